"""The navigation menu, one place for every app to list its pages."""

from django.urls import reverse

MENU = (
    (
        "Ecosystem",
        "ti-topology-star-3",
        (
            ("Ecosystems", "siam:ecosystem_list"),
            ("Organisations", "siam:organisation_list"),
            ("Service providers", "siam:serviceprovider_list"),
            ("Services", "siam:service_list"),
            ("Contracts", "siam:contract_list"),
            ("Connected systems", "siam:connectedsystem_list"),
            ("Integration flows", "siam:integrationflow_list"),
            ("People", "siam:person_list"),
            ("Memberships", "siam:membership_list"),
        ),
    ),
    (
        "Service levels",
        "ti-clock-exclamation",
        (
            ("Incidents", "slas:incident_list"),
            ("Service-level report", "slas:report"),
            ("Ownership gaps", "slas:ownershipgap_list"),
            ("Targets", "slas:serviceleveltarget_list"),
            ("Business calendars", "slas:businesscalendar_list"),
            ("Priority matrices", "slas:prioritymatrix_list"),
            ("Operation handbook", "slas:knownerror_list"),
            ("My notifications", "slas:notification_list"),
        ),
    ),
    (
        "Requirements",
        "ti-list-check",
        (
            ("Requirements", "requirements_app:requirement_list"),
            ("Traceability matrix", "requirements_app:traceability"),
            ("User stories", "requirements_app:userstory_list"),
            ("Use cases", "requirements_app:usecase_list"),
            ("Pain points", "requirements_app:painpoint_list"),
            ("To-be visions", "requirements_app:vision_list"),
            ("Design questions", "requirements_app:designquestion_list"),
            ("Business rules", "requirements_app:businessrule_list"),
        ),
    ),
    (
        "Ownership",
        "ti-users-group",
        (
            ("RACI matrices", "raci:racimatrix_list"),
            ("My assignments", "raci:my_assignments"),
            ("Roles", "raci:role_list"),
            ("Templates", "raci:racitemplate_list"),
            ("Identity access matrices", "raci:accessmatrix_list"),
            ("Data objects", "raci:dataobject_list"),
        ),
    ),
    (
        "Governance",
        "ti-building-bank",
        (
            ("Dashboard", "governance:dashboard_index"),
            ("Steering reports", "governance:steeringreport_list"),
            ("Boards", "governance:board_list"),
            ("Meetings", "governance:meeting_list"),
            ("Decision log", "governance:decision_list"),
            ("Actions", "governance:action_list"),
            ("KPIs and CSFs", "governance:kpi_list"),
            ("Improvement register", "governance:improvementitem_list"),
            ("Scoring models", "governance:scoringmodel_list"),
            ("Integration pods", "governance:pod_list"),
            ("Health self-assessments", "governance:assessment_list"),
        ),
    ),
    (
        "Integrations",
        "ti-plug-connected",
        (
            ("Ticket feeds", "integrations:ticketfeed_list"),
            ("Inbound events", "integrations:inboundevent_list"),
            ("Tracked tickets", "integrations:ticketlink_list"),
            ("CSV imports", "integrations:importrun_list"),
            ("Webhook subscriptions", "integrations:webhooksubscription_list"),
            ("Webhook deliveries", "integrations:webhookdelivery_list"),
        ),
    ),
)


def navigation(request):
    path = getattr(request, "path", "")
    menu = []
    for label, icon, items in MENU:
        entries = [{"label": text, "url": reverse(name)} for text, name in items]
        for entry in entries:
            entry["active"] = path.startswith(entry["url"])
        menu.append(
            {
                "label": label,
                "icon": icon,
                "items": entries,
                "active": any(e["active"] for e in entries),
            }
        )
    return {"nav_menu": menu}
