"""Paths into JSON documents, for the hostile-input sweeps: every member (and element) path of a
document, and a copy of it with one path changed or removed."""
import copy


def paths_of(doc, prefix=(), into_arrays=True):
    """Every path under `doc`, parents first: object members, and array elements when `into_arrays`."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield prefix + (k,)
            yield from paths_of(v, prefix + (k,), into_arrays)
    elif into_arrays and isinstance(doc, list):
        for i, v in enumerate(doc):
            yield prefix + (i,)
            yield from paths_of(v, prefix + (i,), into_arrays)


def get_path(doc, path):
    for k in path:
        doc = doc[k]
    return doc


def set_path(doc, path, value, delete=False):
    """A deep copy of `doc` with `path` set to `value`, or removed when `delete`."""
    doc = copy.deepcopy(doc)
    node = doc
    for k in path[:-1]:
        node = node[k]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def dotted(path):
    return ".".join(str(p) for p in path)
