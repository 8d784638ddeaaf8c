"""The design-question catalogue of the seed's step 4, pre-loaded for every new ecosystem."""

from .choices import QuestionCategoryChoices as C

DESIGN_QUESTIONS = (
    (C.TECHNICAL, "What network layout is applicable between the different systems?"),
    (C.TECHNICAL, "What to do in case of upgrades of one of the tools?"),
    (C.TECHNICAL, "What are the APIs provided by these toolsets?"),
    (C.DATA, "What is the data that will be exchanged? (Specify the data dictionary: mapped fields with samples and semantics.)"),
    (C.DATA, "How is the data mapped to each other (e.g. priority in one tool, severity in the other)?"),
    (C.DATA, "What are the rules that affect the way information can be exchanged (e.g. no new information on closed tickets)?"),
    (C.DATA, "What are the workflows, and how should they orchestrate?"),
    (C.DATA, "What information is exchanged at what events?"),
    (C.ERROR_HANDLING, "What is the retry mechanism for resolving errors?"),
    (C.ERROR_HANDLING, "Is there a way to recover from failures and resume synchronisation from the point of interruption?"),
    (C.DEPLOYMENT, "What configuration management system will be used to ensure system traceability?"),
)  # fmt: skip
