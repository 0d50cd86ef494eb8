"""The HubSpot stub's record endpoints: get, list, create, patch, batch upsert, search, links."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from fastapi.responses import JSONResponse, Response

from tests.stubs import hubspot_data as data
from tests.stubs.hubspot_data import error

if TYPE_CHECKING:
    from tests.stubs.hubspot import HubSpotStub

_DEFAULT_PROPS = {
    "contacts": ["email", "firstname", "lastname"],
    "companies": ["name", "domain"],
    "deals": ["dealname", "dealstage", "amount"],
    "notes": ["hs_note_body"],
}


class ObjectRoutes:
    """Records per object type, ids numeric strings from one counter, links both ways."""

    def __init__(self, stub: HubSpotStub) -> None:
        self.stub = stub
        self.records: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in data.TYPES}
        self.links: set[tuple[str, str, str, str]] = set()
        self._ids = itertools.count(1001)

    def route(self, method: str, parts: list[str], query: dict[str, str], body: Any) -> Response:
        """Dispatch `{type}[/...]` (the path after the version prefix)."""
        object_type, rest = parts[0], parts[1:]
        if object_type not in self.records:
            return error(
                400, f"Unable to infer object type from: {object_type}", "VALIDATION_ERROR"
            )
        match (method, rest):
            case ("GET", []):
                return self._list(object_type, query)
            case ("POST", []):
                return self._create(object_type, body)
            case ("POST", ["batch", "upsert"]):
                return self._upsert(object_type, body)
            case ("POST", ["search"]):
                return self._search(object_type, body)
            case ("GET", [object_id]):
                return self._get(object_type, object_id, query)
            case ("PATCH", [object_id]):
                return self._patch(object_type, object_id, body)
            case ("PUT", [object_id, "associations", "default", to_type, to_id]):
                return self._link(object_type, object_id, to_type, to_id)
        return error(405, f"{method} {'/'.join(parts)} is not supported", "VALIDATION_ERROR")

    def find(self, object_type: str, value: str, id_property: str | None = None) -> str | None:
        """The id of the record with this id or unique property value."""
        records = self.records[object_type]
        if not id_property or id_property == "hs_object_id":
            return value if value in records else None
        if id_property == "email":
            value = value.strip().lower()  # HubSpot matches emails case-insensitively
        return next((rid for rid, rec in records.items()
                     if rec["properties"].get(id_property) == value), None)  # fmt: skip

    def view(self, object_type: str, rid: str, props: list[str] | None,
             associations: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]  # fmt: skip
        """A record as HubSpot returns it: requested properties (null when unset)."""
        record = self.records[object_type][rid]
        stored = record["properties"] | {"hs_object_id": rid}
        if object_type == "deals":
            closed = stored.get("dealstage") in {"closedwon", "closedlost"}
            stored["hs_is_closed"] = "true" if closed else "false"
        known = self.stub.definitions[object_type]
        names = [n for n in (props or _DEFAULT_PROPS[object_type]) if n in known]
        out: dict[str, Any] = {
            "id": rid, "properties": {n: stored.get(n) for n in names} | {
                "hs_object_id": rid, "createdate": record["createdAt"],
                "lastmodifieddate": record["updatedAt"]},
            "createdAt": record["createdAt"], "updatedAt": record["updatedAt"], "archived": False,
        }  # fmt: skip
        linked = {
            t: [
                {"id": to_id, "type": f"{object_type[:-1]}_to_{t[:-1]}"}
                for (ft, fid, tt, to_id) in sorted(self.links)
                if ft == object_type and fid == rid and tt == t
            ]
            for t in associations
        }
        if any(linked.values()):
            out["associations"] = {t: {"results": refs} for t, refs in linked.items() if refs}
        return out

    def _get(self, object_type: str, value: str, query: dict[str, str]) -> Response:
        rid = self.find(object_type, value, query.get("idProperty"))
        if rid is None:
            return error(404, "Object not found.  objectId are usually numeric.",
                         "OBJECT_NOT_FOUND", context={"id": [value]})  # fmt: skip
        props = [p for p in query.get("properties", "").split(",") if p]
        links = [a for a in query.get("associations", "").split(",") if a]
        return JSONResponse(self.view(object_type, rid, props, links))

    def _list(self, object_type: str, query: dict[str, str]) -> Response:
        ids = sorted(self.records[object_type], key=int)
        start, limit = int(query.get("after", 0)), min(int(query.get("limit", 10)), 100)
        page = ids[start : start + limit]
        out: dict[str, Any] = {"results": [self.view(object_type, rid, None) for rid in page]}
        if start + limit < len(ids):
            out["paging"] = {"next": {"after": str(start + limit)}}
        return JSONResponse(out)

    def _store(self, object_type: str, properties: dict[str, str],
               rid: str | None = None) -> str:  # fmt: skip
        now = data.now_iso()
        if rid is None:
            rid = str(next(self._ids))
            self.records[object_type][rid] = {
                "properties": {},
                "createdAt": now,
                "indexedAt": self.stub.now + self.stub.search_lag_s,
            }
        record = self.records[object_type][rid]
        record["properties"].update(properties)
        record["updatedAt"] = now
        return rid

    def _checked(self, object_type: str, properties: dict[str, Any]) -> tuple[dict[str, str], Any]:
        clean, errors = data.validate(self.stub.definitions[object_type], properties or {})
        if "email" in clean:
            clean["email"] = clean["email"].strip().lower()
        if errors:
            return clean, error(400, data.validation_message(errors), "VALIDATION_ERROR")
        return clean, None

    def _duplicate(self, object_type: str, clean: dict[str, str]) -> str | None:
        unique = [n for n, d in self.stub.definitions[object_type].items() if d["hasUniqueValue"]]
        unique += ["email"] if object_type == "contacts" else []
        for name in unique:
            if clean.get(name) and (rid := self.find(object_type, clean[name], name)):
                return rid
        return None

    def _create(self, object_type: str, body: dict[str, Any]) -> Response:
        clean, problem = self._checked(object_type, body.get("properties", {}))
        if problem is not None:
            return problem
        if existing := self._duplicate(object_type, clean):
            label = "Contact" if object_type == "contacts" else object_type[:-1].title()
            return error(409, f"{label} already exists. Existing ID: {existing}", "CONFLICT")
        targets = []
        for link in body.get("associations", []):
            type_id = link["types"][0]["associationTypeId"]
            to_type = data.ASSOCIATION_TARGETS.get(type_id)
            if to_type is None or link["to"]["id"] not in self.records[to_type]:
                return error(400, f"association target {link['to']['id']} (type {type_id}) is "
                             "not valid", "VALIDATION_ERROR")  # fmt: skip
            targets.append((to_type, link["to"]["id"]))
        rid = self._store(object_type, clean)
        for to_type, to_id in targets:
            self._add_link(object_type, rid, to_type, to_id)
        return JSONResponse(self.view(object_type, rid, list(clean)), status_code=201)

    def _patch(self, object_type: str, object_id: str, body: dict[str, Any]) -> Response:
        if object_id not in self.records[object_type]:
            return error(404, "Object not found.  objectId are usually numeric.",
                         "OBJECT_NOT_FOUND", context={"id": [object_id]})  # fmt: skip
        clean, problem = self._checked(object_type, body.get("properties", {}))
        if problem is not None:
            return problem
        self._store(object_type, clean, object_id)
        return JSONResponse(self.view(object_type, object_id, list(clean)))

    def _upsert(self, object_type: str, body: dict[str, Any]) -> Response:
        inputs = body.get("inputs", [])
        if len(inputs) > 100:
            return error(400, "Batch input must contain at most 100 inputs.", "VALIDATION_ERROR")
        results, errors = [], []
        for item in inputs:
            id_property, value = item.get("idProperty"), str(item.get("id", ""))
            definition = self.stub.definitions[object_type].get(id_property or "")
            if id_property != "email" and not (definition and definition["hasUniqueValue"]):
                errors.append(_batch_error(f"{id_property} is not a unique property", value))
                continue
            clean, problem = self._checked(object_type, item.get("properties", {}))
            if problem is not None:
                errors.append(_batch_error(problem.body.decode(), value))
                continue
            clean[id_property] = value.strip().lower() if id_property == "email" else value
            rid = self.find(object_type, value, id_property)
            new = rid is None
            rid = self._store(object_type, clean, rid)
            results.append(self.view(object_type, rid, list(clean)) | {"new": new})
        out: dict[str, Any] = {"status": "COMPLETE", "results": results,
                               "startedAt": data.now_iso(), "completedAt": data.now_iso(),
                               "requestedAt": data.now_iso()}  # fmt: skip
        if errors:
            out |= {"numErrors": len(errors), "errors": errors}
        return JSONResponse(out, status_code=207 if errors else 200)

    def _search(self, object_type: str, body: dict[str, Any]) -> Response:
        groups = body.get("filterGroups", [])
        limit, after = int(body.get("limit", 10)), int(body.get("after", 0) or 0)
        if len(groups) > 5 or sum(len(g.get("filters", [])) for g in groups) > 25 or limit > 200:
            return error(400, "too many filters or a limit over 200", "VALIDATION_ERROR")
        if after + limit > 10_000:
            return error(400, "search results are capped at 10,000 per query", "VALIDATION_ERROR")
        visible = [
            rid
            for rid, rec in sorted(self.records[object_type].items(), key=lambda i: int(i[0]))
            if rec["indexedAt"] <= self.stub.now
        ]  # the search index lags writes
        hits = [rid for rid in visible if not groups or any(
            all(_matches(self.records[object_type][rid]["properties"], f) for f in g["filters"])
            for g in groups)]  # fmt: skip
        page = hits[after : after + limit]
        out: dict[str, Any] = {
            "total": len(hits),
            "results": [self.view(object_type, rid, body.get("properties")) for rid in page],
        }
        if after + limit < len(hits):
            out["paging"] = {"next": {"after": str(after + limit)}}
        return JSONResponse(out)

    def _link(self, from_type: str, from_id: str, to_type: str, to_id: str) -> Response:
        for object_type, object_id in ((from_type, from_id), (to_type, to_id)):
            if object_type not in self.records or object_id not in self.records[object_type]:
                return error(404, f"No {object_type} with id {object_id}", "OBJECT_NOT_FOUND")
        self._add_link(from_type, from_id, to_type, to_id)
        return JSONResponse({"status": "COMPLETE", "results": [
            {"from": {"id": from_id}, "to": {"id": to_id},
             "associationSpec": {"associationCategory": "HUBSPOT_DEFINED"}}]})  # fmt: skip

    def _add_link(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        self.links |= {(from_type, from_id, to_type, to_id), (to_type, to_id, from_type, from_id)}


def _batch_error(message: str, value: str) -> dict[str, Any]:
    return {"status": "error", "category": "VALIDATION_ERROR", "message": message,
            "context": {"id": [value]}, "errors": []}  # fmt: skip


def _matches(properties: dict[str, str], rule: dict[str, Any]) -> bool:
    value = properties.get(rule["propertyName"])
    match rule.get("operator", "EQ"):
        case "EQ":
            return value is not None and value.lower() == str(rule.get("value", "")).lower()
        case "NEQ":
            return value is None or value.lower() != str(rule.get("value", "")).lower()
        case "HAS_PROPERTY":
            return bool(value)
        case "NOT_HAS_PROPERTY":
            return not value
    return False
