// CertificateAuthority: Fulcio's job (see DESIGN.md §5).
import JWTKit
