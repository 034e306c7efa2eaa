import Foundation

// Touches what a client's start touches in Foundation: JSON, Data and the clock.
let document = try JSONSerialization.jsonObject(with: Data(#"{"mediaType":"bundle","size":1}"#.utf8))
print(document is [String: Any] ? "ok" : "unexpected", Date().timeIntervalSince1970 > 0)
