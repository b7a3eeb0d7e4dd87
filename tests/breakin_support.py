"""Calling the dashboard the way a hostile client would: any registered callback posted to
/_dash-update-component with whatever inputs and state the test chooses, from a client logged in through the
real login form (tests.auth_support).

The callback body is the one Dash's renderer sends: the output key, the concrete outputs, inputs and state
(pattern-matching ids filled in from `match`), and the changed property.
"""
from __future__ import annotations

import json

from tests.auth_support import csrf, logged_in


def entry_of(app, function: str) -> tuple[str, dict]:
    """The callback_map key and entry of the callback whose function is `function` (module.name)."""
    for key, entry in app.callback_map.items():
        fn = entry.get("callback")
        if fn is not None and f"{fn.__module__}.{fn.__name__}" == function:
            return key, entry
    raise KeyError(function)


def _concrete(component_id, match: dict | None):
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    if isinstance(component_id, dict):
        return {k: (match[k] if isinstance(v, list) else v) for k, v in component_id.items()}
    return component_id


def _spec(items: list[dict], values: list, match: dict | None) -> list:
    out = []
    for item, value in zip(items, values, strict=True):
        if isinstance(value, Wildcard):  # an ALL input: the list of the components it matched
            out.append([{"id": _concrete(item["id"], v_id), "property": item["property"], "value": v}
                        for v_id, v in value.items])
        else:
            out.append({"id": _concrete(item["id"], match), "property": item["property"], "value": value})
    return out


class Wildcard:
    """The value of an ALL input: [(the wildcard keys of one component, its value), …]."""

    def __init__(self, *items: tuple[dict, object]):
        self.items = items


def callback_body(app, function: str, inputs: list, state: list = (), match: dict | None = None) -> dict:
    key, entry = entry_of(app, function)
    declared = [o.to_dict() for o in entry["output"]] if isinstance(entry["output"], list) \
        else entry["output"].to_dict()
    outputs = _spec(declared, [None] * len(declared), match) if isinstance(declared, list) \
        else _spec([declared], [None], match)[0]
    for o in outputs if isinstance(outputs, list) else [outputs]:
        o.pop("value")
    ins = _spec(entry["inputs"], inputs, match)
    first = ins[0][0] if isinstance(ins[0], list) and ins[0] else ins[0]
    changed = first["id"] if isinstance(first["id"], str) else json.dumps(first["id"], sort_keys=True,
                                                                          separators=(",", ":"))
    return {"output": key, "outputs": outputs, "inputs": ins, "state": _spec(entry.get("state", []), list(state),
                                                                             match),
            "changedPropIds": [f"{changed}.{first['property']}"]}


def post_callback(client, app, function: str, inputs: list, state: list = (), match: dict | None = None):
    """POST one callback as the logged-in client's page would (with its CSRF header); the response."""
    return client.post("/_dash-update-component", json=callback_body(app, function, inputs, state, match),
                       headers=csrf(client))


def client_as(app, engine, role: str, username: str, **grants):
    """A test client logged in through the real /login form as a new user of `role`."""
    return logged_in(app, engine, role, username, **grants)
