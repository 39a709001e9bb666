import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_portal_delivered", {
    steps: () => [
        {
            content: "The delivered shipment says Delivered, not its scheduling",
            trigger: "tr:contains(TOUR-PORTAL-SHIPMENT) .badge:contains(Delivered)",
        },
        {
            content: "Delivered: no expected delivery any more",
            trigger: "tr:contains(TOUR-PORTAL-SHIPMENT):not(:contains(03/05/2026))",
        },
        {
            content: "The carrier's tracking number links to its tracking page",
            trigger:
                "tr:contains(TOUR-PORTAL-SHIPMENT) a.o_logistics_tracking[href='https://track.example/?n=PX123']:contains(PX123)",
        },
        {
            content: "Open it",
            trigger: "tr:contains(TOUR-PORTAL-SHIPMENT) a:contains(TOUR-PORTAL-SHIPMENT)",
            run: "click",
        },
        {
            content: "Its status is the delivery too",
            trigger: ".o_logistics_status:contains(Delivered)",
        },
        {
            content: "The page tells no expected delivery once delivered",
            trigger: ".card-body:not(:has(.o_logistics_expected)):not(:contains(03/05/2026))",
        },
        {
            content: "The tracking number and its link",
            trigger:
                ".card-body a.o_logistics_tracking[href='https://track.example/?n=PX123']:contains(PX123)",
        },
        {
            content: "The timeline leads with the delivery",
            trigger: ".o_logistics_timeline li:first-child strong:contains(Delivered)",
        },
        {
            content: "The acknowledgement recorded after the delivery stays at its place, last",
            trigger: ".o_logistics_timeline li:last-child strong:contains(Shipment scheduled)",
        },
        {
            content: "The e-mail the customer got is in the discussion",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(has a new status)",
        },
        {
            content: "The customer asks a question",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Where exactly was the pallet left?",
        },
        {
            content: "and sends it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The question is on the shipment",
            trigger:
                "#chatterRoot:shadow .o-mail-Message:contains(Where exactly was the pallet left?)",
        },
    ],
});

registry.category("web_tour.tours").add("logistics_portal_order_shipped", {
    steps: () => [
        {
            content: "The order's delivery is shipped, no longer in preparation",
            trigger: "div[name=delivery_order] .badge:contains(Shipped)",
        },
        {
            content: "Nothing is left in preparation",
            trigger: "body:not(:has(div[name=delivery_order] .badge:contains(Preparation)))",
        },
        {
            content: "The delivery names its shipment and its status",
            trigger:
                "div[name=delivery_order] div[name=logistics_shipment]:contains(TOUR-PORTAL-SHIPMENT) .badge:contains(Delivered)",
        },
        {
            content: "with the carrier's tracking link",
            trigger:
                "div[name=logistics_shipment] a.o_logistics_tracking[href='https://track.example/?n=PX123']",
        },
        {
            content: "Open the shipment",
            trigger: "div[name=delivery_order] a.o_logistics_shipment_link",
            run: "click",
        },
        {
            content: "The shipment's page",
            trigger:
                ".card-header:contains(TOUR-PORTAL-SHIPMENT) ~ .card-body .o_logistics_status:contains(Delivered)",
        },
    ],
});
