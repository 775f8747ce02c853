"""Types of the API's answers, generated from its OpenAPI schema: do not edit.

Regenerate with ``python -m service.api.typegen`` (``tests/ui/test_api_types.py`` fails
when this file is older than the schema).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class Actor(TypedDict):
    name: str
    kind: Literal["organisation", "place"]
    notes: int
    forms: list[str]
    regions: dict[str, int]
    documents: list[str]
    themes: list[ActorTheme]
    examples: list[int]


class ActorLink(TypedDict):
    theme_id: int
    theme_name: str
    notes: int
    actor: str


class ActorTheme(TypedDict):
    theme_id: int
    theme_name: str
    notes: int


class Actors(TypedDict):
    project: str
    run_id: int
    notes: int
    analysed: int
    pending: int
    actors: list[Actor]
    links: list[ActorLink]


class ActorsJob(TypedDict):
    job_id: str | None
    pending: int


class Agreement(TypedDict):
    project: str
    run_id: int
    reports: list[CoderAgreement]


class AuditEntryOut(TypedDict):
    id: int
    user: str
    action: str
    project: str | None
    details: dict[str, Any]
    created_at: str


class Body_put_codebook_projects__project__codebook_put(TypedDict):
    file: NotRequired[str | None]


class Body_upload_documents_projects__project__documents_post(TypedDict):
    files: list[str]
    region: str
    kind: NotRequired[str]
    date: NotRequired[str | None]
    event: NotRequired[str | None]
    text_column: NotRequired[str | None]
    columns: NotRequired[str | None]
    facilitator: NotRequired[str | None]


class Body_upload_human_codes_projects__project__human_codes_post(TypedDict):
    file: str
    coder: str


BrokeUpChange = TypedDict("BrokeUpChange", {"from": "int", "to": "list[NotesWent]"})


class ChangeReport(TypedDict):
    """What a run changes compared with the run before it."""

    persisted: list[int]
    new: list[int]
    vanished: list[int]
    split: list[SplitChange]
    merged: list[MergeChange]
    edited: NotRequired[list[EditedChange]]
    moved: NotRequired[list[MoveChange]]
    broke_up: NotRequired[list[BrokeUpChange]]
    needs_confirmation: NotRequired[bool]
    names: NotRequired[ThemeNames | None]
    fit_sample: NotRequired[FitSample | None]


class CodeSplit(TypedDict):
    """A code two or more themes hold."""

    code: str
    notes: int
    themes: list[SplitTheme]


class CodebookThemeOut(TypedDict):
    """One theme of a codebook, as stored and served."""

    name: str
    description: str
    examples: list[str]


class CoderAgreement(TypedDict):
    notes: int
    matched: int
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    ari: float | None
    nmi: float | None
    coder: str
    coded_outside_run: int
    unassigned: int
    codes: list[str]
    mapping: list[Mapped]
    unmapped_themes: list[ThemeRef]
    by_region: list[RegionMeasures]
    splits: list[CodeSplit]
    merges: list[ThemeMerge]
    warnings: list[SmallSample | SmallRegion]
    note: str


class CodesImported(TypedDict):
    coder: str
    source: Literal["csv", "qdpx"]
    stored: int
    codes: list[str]
    unmatched: int
    unmatched_examples: list[str]


class CompareFinding(TypedDict):
    """A theme a group talks of more or less than the other groups."""

    group: str
    theme_id: int
    theme_name: str
    direction: Literal["more", "less"]
    count: int
    share: float
    ci_low: float
    ci_high: float
    rest_count: int
    rest_share: float
    rest_low: float
    rest_high: float
    z: float
    reasons: list[Literal["small_group", "few_notes", "weak", "overlap"]]
    clear: bool


class Comparison(TypedDict):
    project: str
    run_id: int
    by: str
    period: str | None
    notes: int
    groups: list[GroupSize]
    themes: list[ThemeColumnOut]
    rows: list[PrevalenceRow]
    distinctive: list[Distinctive]
    findings: list[GroupFindings]
    chi2: float | None
    dof: int | None
    p: float | None
    cramers_v: float | None
    test_notes: int
    unassigned: Unassigned
    warnings: list[SmallGroup | NoTest | SmallExpected | SmallPeriodGroup | Undated]


class DetailRequest(TypedDict):
    level: int
    preview: NotRequired[bool]


class Distinctive(TypedDict):
    group: str
    assigned_notes: int
    themes: list[DistinctiveTheme]


class DistinctiveTheme(TypedDict):
    theme_id: int
    theme_name: str
    count: int
    log_odds: float
    z: float
    rank: int


class DocumentCounts(TypedDict):
    workshop: int
    transcript: int
    project_description: int


class DocumentDetail(TypedDict):
    id: int
    filename: str
    format: str
    encoding: str | None
    kind: str
    region: str
    date: str | None
    event: str | None
    note_count: int
    content_hash: str
    created_at: str
    text: str
    notes: list[NoteOut]


class DocumentOut(TypedDict):
    id: int
    filename: str
    format: str
    encoding: str | None
    kind: str
    region: str
    date: str | None
    event: str | None
    note_count: int
    content_hash: str
    created_at: str


class DocumentPatch(TypedDict):
    """The fields to change; a field left out keeps its value, ``null`` clears date or even..."""

    region: NotRequired[str | None]
    kind: NotRequired[str | None]
    date: NotRequired[str | None]
    event: NotRequired[str | None]


class EditedChange(TypedDict):
    """What the run does to a theme people edited."""

    theme: int
    before: int
    after: int
    vanished: bool
    left: list[NotesLeft]
    joined: list[NotesJoined]
    joined_new: int


class Empty(TypedDict):
    """``{}``: nothing to report (no theme tree, no change report, ...)."""

    pass


class ErrorOut(TypedDict):
    """Why a request was refused."""

    detail: str | list[ValidationIssue]
    code: NotRequired[str]
    detail_fi: NotRequired[str]


class FindingOut(TypedDict):
    """One finding of personal data, with the stored text around it."""

    id: int
    document_id: int
    filename: str
    note_id: int | None
    field: str
    entity: str
    placeholder: str
    score: float
    recognizer: str
    redacted: bool
    review: str
    reviewed_by: str | None
    before: str
    value: str
    after: str


class FitSample(TypedDict):
    """A large run's fit on a sample (TEEMA_FIT_SAMPLE_NOTES): the other notes joined the n..."""

    notes: int
    fitted_on: int


class GroupFindings(TypedDict):
    group: str
    notes: int
    findings: list[CompareFinding]
    sentences: Texts


class GroupSize(TypedDict):
    group: str
    notes: int
    unassigned: int


class HealthOut(TypedDict):
    status: Literal["ok"]


class JobOut(TypedDict):
    id: str
    kind: str
    state: str
    progress: float
    message: str
    error: str | None
    error_fi: NotRequired[str | None]
    result: dict[str, Any]
    created_at: str
    updated_at: str
    started_at: NotRequired[str | None]
    eta_seconds: NotRequired[float | None]


class MapColumns(TypedDict):
    """The notes in columns: item i of each list is note i."""

    id: list[int]
    x: list[float]
    y: list[float]
    theme: list[int]
    text: list[str]
    region: list[int]
    document: list[int]
    kind: list[int]
    group: list[int]
    date: list[str | None]


class MapNote(TypedDict):
    id: int
    x: float
    y: float
    theme: int | None
    theme_name: str | None
    score: float
    source: Literal["model", "human", "incremental"]
    text: str
    region: str
    document: str
    document_id: int
    group: str | None
    kind: str
    date: str | None


class MapTheme(TypedDict):
    id: int
    name: str
    size: int
    label_x: float | None
    label_y: float | None


class MapView(TypedDict):
    run_id: int
    themes: list[MapTheme]
    regions: list[str]
    documents: list[str]
    kinds: list[str]
    groups: list[str]
    notes: MapColumns


class Mapped(TypedDict):
    theme_id: int
    theme_name: str
    code: str
    notes: int


class MeOut(TypedDict):
    name: str
    is_admin: bool
    token_expires_at: str | None
    projects: int


class MemberChanged(TypedDict):
    user: str
    role: str | None


class MemberOut(TypedDict):
    user: str
    role: str


class Merge(TypedDict):
    themes: list[int]
    name: NotRequired[str | None]


MergeChange = TypedDict("MergeChange", {"from": "list[int]", "into": "int"})


class Merged(TypedDict):
    theme: int


class MergedCode(TypedDict):
    code: str
    count: int
    share_of_code: float


class Move(TypedDict):
    notes: list[int]
    theme: int | None


MoveChange = TypedDict("MoveChange", {"from": "int", "to": "int", "notes": "int"})


class NeedRow(TypedDict):
    """A theme raised by workshops and covered by project descriptions (shares of each kind..."""

    theme_id: int
    theme_name: str
    need_count: int
    need_share: float
    need_low: float
    need_high: float
    project_count: int
    project_share: float
    project_low: float
    project_high: float
    z: float
    status: Literal["gap", "orphan", "both", "few", "missing"]
    clear: bool
    reasons: list[Literal["small_group", "few_notes", "weak"]]
    sentence: Text


class Needs(TypedDict):
    project: str
    run_id: int
    documents: DocumentCounts
    ready: bool
    overall: NeedsBlock
    regions: list[RegionNeeds]
    rules: NeedsRules


class NeedsBlock(TypedDict):
    """Needs vs projects of the whole project or of one region."""

    missing: list[Literal["workshop", "project_description"]]
    need_notes: int
    project_notes: int
    themes: list[NeedRow]
    gaps: list[int]
    orphans: list[int]


class NeedsRules(TypedDict):
    """The rules in words."""

    gap: str
    orphan: str
    clear: str


class NoTest(TypedDict):
    code: Literal["no_test"]
    message: str


class NoteMap(TypedDict):
    run_id: int
    notes: list[MapNote]


class NoteOut(TypedDict):
    id: int
    document_id: int
    filename: str
    region: str
    date: str | None
    event: str | None
    document_kind: str
    position: int
    kind: str
    group: str | None
    question: str | None
    parent_id: int | None
    context: str | None
    text: str
    start: int
    end: int
    language: str
    metadata: dict[str, Any]
    lemmas: list[str]
    speaker: NotRequired[str | None]
    speaker_role: NotRequired[str | None]
    turn: NotRequired[int | None]
    start_time: NotRequired[float | None]
    end_time: NotRequired[float | None]


class NotePage(TypedDict):
    total: int
    limit: int
    offset: int
    notes: list[NoteOut]


class NoteScores(TypedDict):
    note_id: int
    theme: int | None
    score: float
    source: Literal["model", "human", "incremental"]
    scores: list[ThemeScore]
    why: Why | Empty


NotesJoined = TypedDict("NotesJoined", {"from": "int | None", "notes": "int"})


class NotesLeft(TypedDict):
    to: int | Literal["out"] | None
    notes: int


class NotesMoved(TypedDict):
    moved: int
    theme: int | None


class NotesWent(TypedDict):
    to: int
    notes: int


class PolicyIn(TypedDict):
    policy: Literal["redact", "keep"]


class PrevalenceRow(TypedDict):
    """Notes of one group in one theme (in one period), with a 95 % Wilson interval."""

    group: str
    theme_id: int | None
    theme_name: str
    count: int
    total: int
    share: float
    ci_low: float
    ci_high: float
    period: NotRequired[str | None]


class PrivacyOut(TypedDict):
    """The policy and how much personal data was found (counts, no values)."""

    policy: str
    findings: int
    redacted: int
    by_review: dict[str, int]
    by_entity: dict[str, int]
    placeholders: dict[str, str]
    detect_min: float
    review_below: float


class ProjectCreate(TypedDict):
    name: str
    description: NotRequired[str]


class ProjectOut(TypedDict):
    name: str
    description: str
    created_at: str
    document_count: NotRequired[int]
    note_count: NotRequired[int]


class RegionMeasures(TypedDict):
    notes: int
    matched: int
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    ari: float | None
    nmi: float | None
    region: str


class RegionNeeds(TypedDict):
    missing: list[Literal["workshop", "project_description"]]
    need_notes: int
    project_notes: int
    themes: list[NeedRow]
    gaps: list[int]
    orphans: list[int]
    region: str


class Rename(TypedDict):
    name: str


class Representative(TypedDict):
    id: int
    text: str
    context: NotRequired[str | None]


class ReviewIn(TypedDict):
    decision: Literal["confirm", "dismiss"]


class RoleChange(TypedDict):
    role: Literal["admin", "analyst", "coordinator", "evaluator"] | None


class RunDetail(TypedDict):
    id: int
    status: Literal["applied", "draft"]
    base_run_id: int | None
    created_at: str
    note_count: int
    unassigned_share: float
    fit_seconds: float
    detail: int
    filters: RunFiltersOut | Empty
    params: dict[str, Any]
    changes: ChangeReport | Empty
    needs_confirmation: bool
    sentences: Texts
    tree: TreeNode | Empty


class RunFiltersOut(TypedDict):
    """The notes a run covers; empty lists mean no restriction."""

    regions: list[str]
    document_ids: list[int]
    kinds: list[str]
    date_from: str | None
    date_to: str | None


class RunRequest(TypedDict):
    regions: NotRequired[list[str]]
    document_ids: NotRequired[list[int]]
    kinds: NotRequired[list[str]]
    date_from: NotRequired[str | None]
    date_to: NotRequired[str | None]
    use_codebook: NotRequired[bool]
    preview: NotRequired[bool]
    detail: NotRequired[int | None]


class RunStarted(TypedDict):
    job_id: str


class RunSummary(TypedDict):
    """A run as the API shows it."""

    id: int
    status: Literal["applied", "draft"]
    base_run_id: int | None
    created_at: str
    note_count: int
    unassigned_share: float
    fit_seconds: float
    detail: int
    filters: RunFiltersOut | Empty
    params: dict[str, Any]
    changes: ChangeReport | Empty
    needs_confirmation: bool
    sentences: Texts


class SessionOut(TypedDict):
    """A session begun with a sign-in link."""

    name: str
    is_admin: bool
    token: str
    expires_at: str


class SignIn(TypedDict):
    code: str


class SmallExpected(TypedDict):
    code: Literal["small_expected"]
    message: str
    cells: int
    of: int
    min_expected: float


class SmallGroup(TypedDict):
    code: Literal["small_group"]
    message: str
    group: str
    notes: int
    in_group_fi: str


class SmallPeriodGroup(TypedDict):
    code: Literal["small_period_group"]
    message: str
    period: str
    groups: list[str]


class SmallRegion(TypedDict):
    code: Literal["small_region"]
    region: str
    notes: int
    message: str


class SmallSample(TypedDict):
    code: Literal["small_sample"]
    notes: int
    message: str


class SpeakerOut(TypedDict):
    """The name behind a speaker's pseudonym in a transcript."""

    document_id: int
    filename: str
    pseudonym: str
    name: str


class Split(TypedDict):
    parts: int


SplitChange = TypedDict("SplitChange", {"from": "int", "into": "list[int]"})


class SplitDone(TypedDict):
    themes: list[int]


class SplitTheme(TypedDict):
    theme_id: int
    theme_name: str
    count: int
    share: float


class Text(TypedDict):
    """One sentence in Finnish and in English."""

    fi: str
    en: str


class Texts(TypedDict):
    """Sentences in Finnish and in English."""

    fi: list[str]
    en: list[str]


class ThemeColumnOut(TypedDict):
    theme_id: int | None
    theme_name: str


class ThemeDetail(TypedDict):
    id: int
    name: str
    name_edited: bool
    description: str
    size: int
    seed: str | None
    keywords: list[tuple[str, float]]
    tree_path: list[str]
    notes: list[ThemeNote]


class ThemeEditOut(TypedDict):
    id: int
    run_id: int | None
    action: str
    author: str
    details: dict[str, Any]
    created_at: str


class ThemeMerge(TypedDict):
    """A theme holding two or more codes."""

    theme_id: int
    theme_name: str
    notes: int
    codes: list[MergedCode]


class ThemeNames(TypedDict):
    """Theme names by key (a string), before and after the run."""

    before: dict[str, str]
    after: dict[str, str]


class ThemeNote(TypedDict):
    id: int
    text: str
    region: str
    document: str
    group: str | None
    score: float
    source: Literal["model", "human", "incremental"]
    why: Why


class ThemeRef(TypedDict):
    theme_id: int
    theme_name: str


class ThemeRow(TypedDict):
    """A theme of the current run in the theme table."""

    id: int
    name: str
    name_edited: bool
    description: str
    size: int
    share: float
    region_share: dict[str, float]
    keywords: list[str]
    representatives: list[Representative]
    seed: str | None
    x: float
    y: float


class ThemeScore(TypedDict):
    theme: int
    name: str
    score: float


class ThemeTable(TypedDict):
    run: RunSummary
    themes: list[ThemeRow]
    unassigned: int


class TreeNode(TypedDict):
    """A node of the theme tree, coarse to fine. Leaves carry ``theme`` (its key) and no ``..."""

    name: str
    size: int
    theme: NotRequired[int | None]
    theme_name: NotRequired[str | None]
    distance: NotRequired[float | None]
    children: NotRequired[list[TreeNode] | None]


class Unassigned(TypedDict):
    count: int
    share: float
    in_tests: bool
    note: str


class Undated(TypedDict):
    code: Literal["undated"]
    message: str
    notes: int


class UploadAccepted(TypedDict):
    job_id: str | None
    files: list[UploadedFile]


class UploadRules(TypedDict):
    """What an upload may be: the file types the parser reads and the size limit."""

    extensions: list[str]
    max_upload_mb: float


class UploadedFile(TypedDict):
    filename: str
    status: str
    note_count: int
    document_id: NotRequired[int | None]


class UserChange(TypedDict):
    """Only the fields sent are changed."""

    name: NotRequired[str | None]
    is_admin: NotRequired[bool | None]
    token_expires_at: NotRequired[str | None]


class UserCreate(TypedDict):
    name: str
    is_admin: NotRequired[bool]
    token_expires_at: NotRequired[str | None]


class UserOut(TypedDict):
    name: str
    is_admin: bool
    token_expires_at: str | None


class UserWithToken(TypedDict):
    name: str
    is_admin: bool
    token_expires_at: str | None
    token: str


class ValidationIssue(TypedDict):
    """One thing wrong with a request (FastAPI's validation error)."""

    type: str
    loc: list[str | int]
    msg: str
    input: NotRequired[Any]
    ctx: NotRequired[dict[str, Any] | None]


class Why(TypedDict):
    """Why a note sits in its theme."""

    keywords: list[str]
    score: float | None
    next_theme: int | None
    next_score: float | None
    margin: float | None
    next_theme_name: str | None
