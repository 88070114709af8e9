"""What the parties put on a case besides their moves: messages, evidence files and their deadlines, the timeline.

Evidence (RULES.md §7.2.2: photos, video, documents) is checked for size and
type before anything is written, and stored on disk under its SHA-256. A party
bound by an evidence deadline (the seller's proof of shipment on a not-received
case, the buyer's damage or shortage evidence, anything the platform asked for)
files until it passes; later filings are refused with `deadline-passed`.
Messages are talk, not evidence: they have no deadline.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.aftersales.cases import evidence_rules
from shopkeeper.aftersales.cases.rows import evidence_deadlines, get_case, iso, locked, party, require, subject
from shopkeeper.aftersales.models import CaseMessage, CaseRow, EvidenceFile
from shopkeeper.auth import Principal
from shopkeeper.errors import DomainError, InvalidInput, NotAllowedInState, NotFound
from shopkeeper.events import Event

# Evidence (RULES.md §7.2.2: photos, video, documents); each type is checked against the file's first bytes.
EVIDENCE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                  "application/pdf": ".pdf", "video/mp4": ".mp4"}
MAX_FILES_PER_CASE = 30


class FileTooLarge(DomainError):
    code = "file-too-large"
    status = 413
    title = "The file is larger than allowed"


class UnsupportedFileType(DomainError):
    code = "unsupported-file-type"
    status = 415
    title = "This kind of file is not accepted as evidence"


def _open(row: CaseRow) -> None:
    if row.closed_at is not None:
        raise NotAllowedInState(f"case {row.id} is closed", current_status="closed")


# --- messages -------------------------------------------------------------------------------

def record_message(session: Session, now: datetime, actor: Principal, row: CaseRow, body: str) -> CaseMessage:
    message = CaseMessage(case_id=row.id, store_id=row.store_id, at=now, author=party(actor), key_id=actor.key_id, body=body)
    session.add(message)
    session.flush()
    events.record(session, now, "case.message_posted", subject(row), row.store_id, by=message.author, message_id=message.id)
    return message


def post_message(session: Session, now: datetime, actor: Principal, case_id: int, body: str) -> CaseMessage:
    """A message between the parties (and the platform), kept with the case."""
    row = get_case(session, actor, case_id)
    if not body.strip():
        raise InvalidInput("a message needs some text")
    _open(row)
    return record_message(session, now, actor, row, body)


def messages(session: Session, actor: Principal, case_id: int) -> list[CaseMessage]:
    row = get_case(session, actor, case_id)
    return list(session.scalars(select(CaseMessage).where(CaseMessage.case_id == row.id).order_by(CaseMessage.id)))


# --- evidence and its deadlines -------------------------------------------------------------

def ask_for_evidence(session: Session, now: datetime, actor: Principal, case_id: int, of: evidence_rules.EvidenceParty,
                     note: str = "") -> CaseRow:
    """The platform finds a party's evidence insufficient: it is supplemented within 3 days (AliExpress, RULES.md §7.2.2).

    A new request replaces the party's last one. The case's own clock and its timer are untouched.
    """
    require(actor, "platform", "ask for more evidence")
    row, _ = locked(session, actor, case_id)
    _open(row)
    if of == "buyer":
        row.buyer_evidence_asked_at = now
    else:
        row.seller_evidence_asked_at = now
    due = evidence_rules.evidence_due(rulebooks.load(row.rulebook), "supplement", now)
    events.record(session, now, "case.evidence_requested", subject(row), row.store_id, order_id=row.order_id, by="platform",
                  of=of, due_at=iso(due), note=note[:500])
    return row


def _sniff(data: bytes) -> str | None:
    """The type a file's first bytes show; what the sender says it is does not count on its own."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return None


def add_evidence(session: Session, now: datetime, actor: Principal, case_id: int, directory: str, max_bytes: int,
                 filename: str, content_type: str | None, data: bytes) -> EvidenceFile:
    """Attach a file (photo, PDF, mp4 video): in time, then checked for size and type, then stored under its SHA-256."""
    row = get_case(session, actor, case_id)
    _open(row)
    uploader = party(actor)
    if uploader != "platform":  # the platform's own files have no deadline
        evidence_rules.ensure_evidence_in_time(evidence_deadlines(row, rulebooks.load(row.rulebook)), uploader, now)
    if not data:
        raise InvalidInput("the file is empty")
    if len(data) > max_bytes:
        raise FileTooLarge(f"a file may be at most {max_bytes} bytes", max_bytes=max_bytes)
    found = _sniff(data)
    declared = (content_type or "").split(";")[0].strip().lower()
    declared = "image/jpeg" if declared in ("image/jpg", "image/pjpeg") else declared
    if found is None or declared not in ("", "application/octet-stream", found):
        allowed = ", ".join(EVIDENCE_TYPES)
        raise UnsupportedFileType(f"evidence must be one of {allowed}, and be what its type says", allowed=list(EVIDENCE_TYPES))
    count = session.scalar(select(func.count()).select_from(EvidenceFile).where(EvidenceFile.case_id == row.id)) or 0
    if count >= MAX_FILES_PER_CASE:
        raise NotAllowedInState(f"a case holds at most {MAX_FILES_PER_CASE} files")
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{row.store_id}/{row.id}/{digest}{EVIDENCE_TYPES[found]}"
    _write_once(Path(directory) / relative, data)
    evidence = EvidenceFile(case_id=row.id, store_id=row.store_id, at=now, uploader=uploader, key_id=actor.key_id,
                            filename=(os.path.basename(filename or "") or "evidence")[:200], content_type=found,
                            size_bytes=len(data), sha256=digest, path=relative)
    session.add(evidence)
    session.flush()
    events.record(session, now, "case.evidence_added", subject(row), row.store_id, by=evidence.uploader, evidence_id=evidence.id,
                  sha256=digest, size_bytes=len(data), content_type=found)
    return evidence


def _write_once(path: Path, data: bytes) -> None:
    """Content-addressed: the same bytes land on the same name, so a rolled-back upload leaves only a harmless copy."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def evidence_files(session: Session, actor: Principal, case_id: int) -> list[EvidenceFile]:
    row = get_case(session, actor, case_id)
    return list(session.scalars(select(EvidenceFile).where(EvidenceFile.case_id == row.id).order_by(EvidenceFile.id)))


def evidence_file(session: Session, actor: Principal, case_id: int, evidence_id: int, directory: str) -> tuple[EvidenceFile, Path]:
    row = get_case(session, actor, case_id)
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.case_id != row.id:
        raise NotFound(f"evidence {evidence_id} does not exist")
    path = Path(directory) / evidence.path
    if not path.is_file():
        raise NotFound(f"the file of evidence {evidence_id} is missing from storage")
    return evidence, path


# --- the timeline ---------------------------------------------------------------------------

def timeline(session: Session, actor: Principal, case_id: int) -> list[Event]:
    """Everything that happened to the case, in order: opening, answers, clocks, messages, evidence, money."""
    return events.timeline(session, subject(get_case(session, actor, case_id)))
