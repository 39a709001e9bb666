import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_case_damage", {
    steps: () => [
        {
            content: "The damaged shipment says so, not that it is delayed",
            trigger:
                "tr:contains(TOUR-DAMAGED-SHIPMENT) .badge:contains(Damage reported – we are on it)",
        },
        {
            content: "Open it",
            trigger: "tr:contains(TOUR-DAMAGED-SHIPMENT) a:contains(TOUR-DAMAGED-SHIPMENT)",
            run: "click",
        },
        {
            content: "Its status is the damage",
            trigger: ".o_logistics_status:contains(Damage reported – we are on it)",
        },
        {
            content: "The timeline leads with it, never with 'Delayed'",
            trigger:
                ".o_logistics_timeline:not(:contains(Delayed)) li:first-child strong:contains(Damage reported)",
        },
        {
            content: "The case is resolved, with its outcome",
            trigger:
                ".o_logistics_cases li:contains(goods arrived damaged) .o_logistics_case_outcome:contains(We settle this with the carrier)",
        },
        {
            content: "Open the case",
            trigger: ".o_logistics_cases li a:contains(CASE)",
            run: "click",
        },
        {
            content: "The case's page: what happened and the outcome",
            trigger:
                ".card-body:has(.o_logistics_case_label:contains(goods arrived damaged)) .o_logistics_case_outcome:contains(We settle this with the carrier)",
        },
        {
            content: "No internal reason or amount",
            trigger: ".card-body:not(:contains(Forklift)):not(:contains(480))",
        },
        {
            content: "The e-mail about the resolution is in the case's discussion",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(is resolved)",
        },
        {
            content: "The customer answers",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Thank you, photos of the pallet follow.",
        },
        {
            content: "and sends it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer is on the case",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(photos of the pallet follow)",
        },
    ],
});
