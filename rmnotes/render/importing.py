"""The plan of an import, as the preview a person reads and as JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rmnotes.domain.importing import ClientPlan, FieldChange, Plan
from rmnotes.i18n import _, ngettext
from rmnotes.render import redact



# a CSV's encoding as people know it (the JSON keeps Python's codec name)
_ENCODINGS = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp950": "Big5", "gb18030": "GB18030"}

def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    text = str(value)
    return text if "\n" not in text else text.replace("\n", " ⏎ ")


def _change(ch: FieldChange) -> str:
    def shown(value: Any) -> str:  # --redact masks the values
        return redact.text(_value(value))

    if ch.old is None:
        return f"    {ch.field}: + {shown(ch.new)}   ({ch.where})"
    return f"    {ch.field}: {shown(ch.old)} -> {shown(ch.new)}   ({ch.where})"


def _new_line(c: ClientPlan) -> str:
    counted = {  # each written out, so that the catalogs' extraction finds it
        "policies": lambda n: ngettext("{n} policy", "{n} policies", n),
        "holdings": lambda n: ngettext("{n} holding", "{n} holdings", n),
        "family": lambda n: ngettext("{n} family member", "{n} family members", n),
    }
    parts = [counted[key](n).format(n=n) for key in counted if (n := c.counts.get(key, 0))]
    extra = f": {_(', ').join(parts)}" if parts else ""
    return f"  {c.name} ({c.client_id}){extra}"


def _kind_name(kind: str) -> str:
    return {"clients": _("client information"), "policies": _("insurance policies"),
            "holdings": _("holdings")}.get(kind, kind)


def _matched_by(how: str) -> str:
    return {"name": _("matched by name"), "mobile": _("matched by mobile")}.get(how, how)


def plan_lines(plan: Plan, dry_run: bool) -> list[str]:
    """The preview: how each sheet was read, new clients, updated clients with each
    field's old -> new, how many are unchanged, what was held back, the errors."""
    out: list[str] = []
    for s in plan.sheets:
        if s.kind is None:
            out.append(_("{table}: no header row of a client, policy or holding sheet; skipped "
                         "(name its columns with --map)").format(table=s.table))
            continue
        encoding = _(", ") + _ENCODINGS.get(s.encoding, s.encoding) if s.encoding else ""
        out.append(ngettext("{table}: {kind} sheet, headers in row {row}, {n} row{encoding}",
                            "{table}: {kind} sheet, headers in row {row}, {n} rows{encoding}", s.rows).format(
            table=s.table, kind=_kind_name(s.kind), row=s.header_row, n=s.rows, encoding=encoding))
        if s.unknown:
            out.append("  " + _("columns kept under imported: {headers}").format(headers=", ".join(s.unknown)))
    new, updated = plan.of("new"), plan.of("updated")
    if new:
        out.append(_("new ({n}):").format(n=len(new)))
        out.extend(_new_line(c) for c in new)
    if updated:
        out.append(_("updated ({n}):").format(n=len(updated)))
        for c in updated:
            how = f", {_matched_by(c.matched_by)}" if c.matched_by and c.matched_by != "id" else ""
            out.append(f"  {c.name} ({c.client_id}){how}")
            out.extend(_change(ch) for ch in c.changes)
    held = [(c, ch) for c in plan.clients for ch in c.held_back]
    if held:
        out.append(_("not applied (the notes, the name of a client matched by mobile and a birthday kept on "
                     "the lunar calendar are yours to edit: rmn edit CLIENT):"))
        for c, ch in held:
            out.append(f"  {c.name} ({c.client_id}) {ch.field}   ({ch.where}): {_value(ch.new)}")
    for note in plan.notes:
        out.append(note)
    unchanged = plan.of("unchanged")
    if unchanged:
        out.append(_("unchanged: {n}").format(n=len(unchanged)))
    if plan.problems:
        out.append(_("errors ({n}); nothing was written for these rows' clients:").format(n=len(plan.problems)))
        out.extend(str(p) for p in plan.problems)
    return out


def summary(plan: Plan, source: str, dry_run: bool, commit: str | None) -> str:
    new, updated = len(plan.of("new")), len(plan.of("updated"))
    errors = ngettext("{n} error", "{n} errors", len(plan.problems)).format(n=len(plan.problems))
    text = _("{source}: {new} new, {updated} updated, {unchanged} unchanged, {errors}").format(
        source=source, new=new, updated=updated, unchanged=len(plan.of("unchanged")), errors=errors)
    if dry_run:
        return text + _("; ") + _("dry run: nothing was written")
    if commit:
        return text + _("; ") + _("committed {sha}").format(sha=commit[:10])
    if not new and not updated:
        return text + _("; ") + _("nothing to write")
    return text


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def plan_json(plan: Plan, dry_run: bool, commit: str | None) -> dict:
    def changes(items: list) -> list[dict]:
        return [{"field": ch.field, "old": _json_value(ch.old), "new": _json_value(ch.new), "cell": ch.where}
                for ch in items]

    def client(c: ClientPlan) -> dict:
        return {"client": c.client_id, "name": c.name, "row": c.where, "matched_by": c.matched_by,
                "changes": changes(c.changes), "not_applied": changes(c.held_back)}

    return {
        "sheets": [{"table": s.table, "kind": s.kind, "header_row": s.header_row, "rows": s.rows,
                    "imported_columns": list(s.unknown), "encoding": s.encoding} for s in plan.sheets],
        "new": [client(c) for c in plan.of("new")],
        "updated": [client(c) for c in plan.of("updated")],
        "unchanged": [{"client": c.client_id, "name": c.name, "not_applied": changes(c.held_back)}
                      for c in plan.of("unchanged")],
        "errors": [{"cell": p.where, "message": p.message} for p in plan.problems],
        "notes": list(plan.notes),
        "dry_run": dry_run,
        "commit": commit,
    }
