import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_portal_delivered", {
    steps: () => [
        {
            content: "The delivered shipment says Delivered, not its scheduling",
            trigger: "tr:contains(TOUR-PORTAL-SHIPMENT) .badge:contains(Delivered)",
        },
        {
            content: "Open it",
            trigger: "tr:contains(TOUR-PORTAL-SHIPMENT) a",
            run: "click",
        },
        {
            content: "Its status is the delivery too",
            trigger: ".o_logistics_status:contains(Delivered)",
        },
        {
            content: "The timeline keeps every step, by time",
            trigger: ".o_logistics_timeline li strong:contains(Delivered)",
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
    ],
});
