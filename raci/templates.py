"""Built-in RACI templates: SIAM practices across customer, integrator and providers,
and the seed's eight-step cross-company integration project."""

CUSTOMER, INTEGRATOR, PROVIDER = "customer", "integrator", "provider"

COLUMNS = [
    {"name": "Business Owner", "layer": CUSTOMER},
    {"name": "Service Integration Manager", "layer": INTEGRATOR},
    {"name": "Service Desk Lead", "layer": INTEGRATOR},
    {"name": "Provider Service Manager", "layer": PROVIDER},
    {"name": "Provider Resolver Team", "layer": PROVIDER},
]
OWNED_BY_CUSTOMER_OR_INTEGRATOR = [CUSTOMER, INTEGRATOR]


def _activities(process, rows):
    names = [c["name"] for c in COLUMNS]
    result = []
    for phase, name, letters, owned in rows:
        cells = {names[i]: value for i, value in enumerate(letters.split()) if value != "-"}
        result.append(
            {
                "phase": phase,
                "name": name,
                "process": process,
                "must_be_owned_by": owned,
                "cells": cells,
            }
        )
    return result


BUILT_IN = {
    "Incident management": {
        "variant": "raci",
        "description": "From logging to closure across the parties' tools.",
        "content": {
            "columns": COLUMNS,
            "activities": _activities(
                "incident",
                [
                    ("Detect and log", "Log and classify the incident", "I A R I I", []),
                    (
                        "Detect and log",
                        "Prioritise (impact x urgency)",
                        "C A R C -",
                        OWNED_BY_CUSTOMER_OR_INTEGRATOR,
                    ),
                    ("Resolve", "Hand off to the provider", "- A R I I", []),
                    ("Resolve", "Investigate and resolve", "- A I C R", []),
                    ("Resolve", "Keep all tools in sync", "- A R R C", []),
                    ("Close", "Confirm resolution with the user", "I A R - -", []),
                    (
                        "Close",
                        "Report SLA attainment",
                        "I AR C C -",
                        OWNED_BY_CUSTOMER_OR_INTEGRATOR,
                    ),
                ],
            ),
        },
    },
    "Change management": {
        "variant": "raci",
        "description": "Changes need the customer business owner's approval before work starts.",
        "content": {
            "columns": COLUMNS,
            "activities": _activities(
                "change",
                [
                    ("Request", "Raise the change request", "C A R I -", []),
                    ("Assess", "Assess impact and risk", "C A C R C", []),
                    ("Approve", "Approve the change", "AR C I I -", [CUSTOMER]),
                    ("Build", "Build and test", "- A I C R", []),
                    ("Deploy", "Schedule and deploy", "I A C R R", []),
                    (
                        "Review",
                        "Post-implementation review",
                        "C AR C C I",
                        OWNED_BY_CUSTOMER_OR_INTEGRATOR,
                    ),
                ],
            ),
        },
    },
    "Service request": {
        "variant": "raci",
        "description": "Standard requests fulfilled by the right party.",
        "content": {
            "columns": COLUMNS,
            "activities": _activities(
                "request",
                [
                    ("Request", "Log the request", "I A R - -", []),
                    ("Approve", "Approve when it costs money", "AR C I - -", [CUSTOMER]),
                    ("Fulfil", "Fulfil the request", "- A C R R", []),
                    ("Close", "Confirm and close", "I A R I -", []),
                ],
            ),
        },
    },
    "Problem management": {
        "variant": "raci",
        "description": "Root causes across providers, known errors in the operation handbook.",
        "content": {
            "columns": COLUMNS,
            "activities": _activities(
                "problem",
                [
                    (
                        "Identify",
                        "Identify problems from incident trends",
                        "I AR C C -",
                        OWNED_BY_CUSTOMER_OR_INTEGRATOR,
                    ),
                    ("Analyse", "Root-cause analysis", "- A I R R", []),
                    ("Record", "Record the known error and workaround", "- A R C C", []),
                    ("Resolve", "Fix the root cause (via change)", "I A I R R", []),
                ],
            ),
        },
    },
    "Cross-company integration project": {
        "variant": "raci",
        "description": "The seed's eight steps, from pain points to operation and support.",
        "content": {
            "columns": COLUMNS,
            "activities": _activities(
                "integration",
                [
                    (
                        "1 Pain points",
                        "Identify the business pain points",
                        "AR R C C -",
                        OWNED_BY_CUSTOMER_OR_INTEGRATOR,
                    ),
                    (
                        "2 Requirements",
                        "Uncover the business requirements",
                        "A R C C -",
                        OWNED_BY_CUSTOMER_OR_INTEGRATOR,
                    ),
                    ("3 Team", "Build the integration team", "C AR - C C", []),
                    ("4 Design", "Answer the design questions", "I A C R R", []),
                    ("5 Build", "Configure and build the integration", "- A I C R", []),
                    ("6 Test", "End-to-end scenario testing", "C A R C R", []),
                    ("7 Deploy", "Go live", "A R I C R", OWNED_BY_CUSTOMER_OR_INTEGRATOR),
                    ("8 Operate", "Operation and support", "I A R R C", []),
                ],
            ),
        },
    },
}
