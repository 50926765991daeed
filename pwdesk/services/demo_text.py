"""The words of the fictional demo: its people, the evidence its auditors write and the narrative
of its weeks. Every name and phrase here is invented; the tests import them from here.
"""

from __future__ import annotations

from pwdesk.services.weeks import WeekNarrative

SENIOR_LEADERS = (
    ("Rowena Attwell", "Director of Children's Social Care"),
    ("Desmond Okoro-Lane", "Head of Service, Children Looked After"),
    ("Yvonne Achterberg", "Head of Quality Assurance"),
    ("Gareth Lumley", "Service Manager, Permanence"),
    ("Ifeoma Clarke-Dunn", "Principal Social Worker"),
    ("Nadia Solberg", "Service Manager, Safeguarding"),
)

PRACTITIONERS = (
    ("Zoë Brennan", "Children Looked After 1"),
    ("Tomás Ó Briain", "Children Looked After 1"),
    ("Agnieszka Wójcik", "Children Looked After 2"),
    ("Malik Farrant", "Children Looked After 2"),
    ("Bethany Quayle", "Permanence"),
    ("Kwame Asante-Rudd", "Permanence"),
    ("Siân Pritchard", "Care Planning"),
    ("Élodie Marchetti", "Care Planning"),
    ("Callum Reddaway", "Assessment and Intervention"),
    ("Priya Venkatesan-Hale", "Assessment and Intervention"),
)

# Grade weights, best first: outstanding, good, requires improvement, inadequate.
STRONG = (0.12, 0.62, 0.22, 0.04)
STEADY = (0.06, 0.48, 0.38, 0.08)
WEAK = (0.02, 0.30, 0.50, 0.18)

REFERENCE_STRENGTHS = (
    "placement-stability",
    "purposeful-visits",
    "partnership-working",
    "knowledge-of-child",
)
REFERENCE_DEVELOPMENT = (
    "plan-implementation",
    "plan-tracking",
    "direct-work",
    "supervision",
    "management-oversight",
)

# What the auditor wrote: (seen working well, seen needing to improve), per aspect.
EVIDENCE: dict[str, tuple[str, str]] = {
    "plan-by-second-review": (
        "The permanence plan was agreed at the second review and is clearly recorded.",
        "No permanence plan was recorded by the second review; it was agreed months later.",
    ),
    "options-considered": (
        "Return home, family and friends care and special guardianship were each weighed up.",
        "Only long-term fostering was considered; kinship options were not explored.",
    ),
    "parallel-planning": (
        "A contingency plan runs alongside the main plan, with dates for both.",
        "There is no contingency plan if the return home does not go ahead.",
    ),
    "plan-implementation": (
        "The steps towards the permanent placement were taken on time and followed through.",
        "Agreed steps towards permanence have drifted; the matching panel date slipped twice.",
    ),
    "plan-tracking": (
        "Progress of the plan is tracked at every review and in supervision.",
        "Nobody is tracking the plan's progress; actions from the last review are not followed up.",
    ),
    "placement-stability": (
        "The child has been settled with the same carers for over a year.",
        "Two placement moves this year have unsettled the child.",
    ),
    "placement-matching": (
        "The placement matches the child's cultural, educational and health needs.",
        "The placement was chosen for availability; the match to the child's needs is weak.",
    ),
    "purposeful-visits": (
        "Visit records show clear purpose, time alone with the child and links to the plan.",
        "Visits are on time but their purpose is unclear and they are not linked to the plan.",
    ),
    "childs-voice": (
        "The child's own words are recorded and their wishes shaped the plan.",
        "The child's views are summarised by adults; their own words are missing.",
    ),
    "direct-work": (
        "Life story work is well under way, planned with the carers and paced for the child.",
        "No direct work has been done; life story work has not started.",
    ),
    "assessment-quality": (
        "The assessment is analytical and current, with the child's history understood.",
        "The assessment is out of date and describes rather than analyses.",
    ),
    "care-plan-quality": (
        "The care plan is specific, timed and known to everyone around the child.",
        "The care plan is generic; actions have no owners or dates.",
    ),
    "management-oversight": (
        "Management oversight is recorded regularly and gives clear direction.",
        "Oversight entries restate the case but give no direction or timescales.",
    ),
    "supervision": (
        "Supervision is regular and reflective, with actions carried forward and checked.",
        "Supervision is irregular and records no reflection or actions for this child.",
    ),
    "partnership-working": (
        "School, health and the independent reviewing officer work closely with the social worker.",
        "Partners are not invited to plan together; information is shared late.",
    ),
    "recording": (
        "Records are up to date, clear, and written to the child where it helps.",
        "Several visits and decisions are not yet recorded.",
    ),
    "knowledge-of-child": (
        "The social worker knows the child well and spoke about them with warmth and detail.",
        "The social worker is new to the child and relied on the file to answer questions.",
    ),
}

ACTIONS: dict[str, str] = {
    "plan-by-second-review": "Agree and record the permanence plan at the next review",
    "options-considered": "Explore family and friends care with a viability assessment",
    "parallel-planning": "Record a contingency plan with dates in the care plan",
    "plan-implementation": "Set a date for the matching panel and track it weekly",
    "plan-tracking": "Add the plan's milestones to the team's permanence tracker",
    "placement-stability": "Arrange a stability meeting with the carers and school",
    "placement-matching": "Review the placement match with the placements team",
    "purposeful-visits": "Plan each visit's purpose in advance and record it",
    "childs-voice": "Record the child's wishes in their own words before the review",
    "direct-work": "Start life story work, with the carers, within a month",
    "assessment-quality": "Update the assessment with analysis of recent events",
    "care-plan-quality": "Rewrite the care plan with owners and dates for each action",
    "management-oversight": "Team manager to record oversight with direction and timescales",
    "supervision": "Book monthly supervision and carry actions forward",
    "partnership-working": "Invite school and health to a professionals meeting",
    "recording": "Bring case recording up to date",
    "knowledge-of-child": "Visit the child with the previous social worker to hand over",
}

REFLECTIONS = (
    "Helpful to step back from the day-to-day and see the plan as a whole.",
    "I will use the permanence tracker in supervision from now on.",
    "Good to hear what is working; I had not seen the drift in the plan until today.",
    "I would like support from the life story worker to start the direct work.",
)

OBSERVATION_NOTES: dict[str, tuple[str, str]] = {
    "home-visit": (
        "The visit had a clear purpose; the child was seen alone and their views recorded.",
        "The visit lacked a clear purpose and did not link to the child's plan.",
    ),
    "cp-conference": (
        "Reports were shared in time and the family were helped to take part.",
        "The conference report arrived late and risk was not analysed.",
    ),
    "core-group": (
        "Progress against the plan was reviewed action by action with named owners.",
        "Actions from the last core group were not reviewed; attendance was poor.",
    ),
}


NARRATIVES = {
    "2018-09": WeekNarrative(
        summary=(
            "Senior leaders audited the cases of children in two cohorts and observed practice in "
            "home visits, child protection conferences and core groups. The findings show emerging "
            "signs of better practice: children's placements are more stable, visits are "
            "purposeful, partners work well together and social workers know their children and "
            "speak about them with confidence. Plans for permanence are not yet carried through "
            "with enough rigour, and direct work with children, above all life story work, needs "
            "more attention."
        ),
        findings=(
            "Placement stability and purposeful visiting were the strongest aspects of practice. "
            "Management oversight is recorded more often than in March, but its quality, and the "
            "quality of supervision, vary too much. Too few plans are tracked systematically once "
            "agreed, so some children wait longer than they should for permanence."
        ),
        recommendations=(
            "1. Track every permanence plan monthly on the service's tracker, with named owners.\n"
            "2. Start life story work for every child in care for more than six months.\n"
            "3. Audit the quality of supervision records in each team before the next Practice "
            "Week.\n"
            "4. Share this report's findings with every team, with the practice examples it found."
        ),
    ),
    "2018-03": WeekNarrative(
        summary=(
            "The March Practice Week looked at care planning for children in care. Practitioners "
            "knew their children, but management oversight was rarely recorded and plans drifted."
        ),
        findings="Management oversight and the tracking of plans were the weakest aspects.",
        recommendations="1. Record management oversight on every case at least monthly.",
    ),
}
