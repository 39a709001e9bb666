import {registry} from "@web/core/registry";

// A portal customer's way to a shipment: My Account, My Shipments, the shipment.
registry.category("web_tour.tours").add("logistics_portal_customer", {
    url: "/my",
    steps: () => [
        {
            content: "My Account counts the customer's shipments",
            trigger: ".o_portal_index_card a[href='/my/shipments']",
            run: "click",
        },
        {
            content: "My Shipments lists the customer's delivered shipment",
            trigger: "tr:has(.badge:contains(Delivered)) a[href^='/my/shipments/']",
            run: "click",
        },
        {
            content: "The shipment shows its customer status",
            trigger: ".o_logistics_status:contains(Delivered)",
        },
        {
            content: "and its timeline",
            trigger: ".o_logistics_timeline li strong:contains(Delivered)",
        },
        {
            content: "and its delivery window, confirmed",
            trigger:
                ".o_logistics_appointment:contains(Delivery window) .badge:contains(Confirmed)",
        },
    ],
});
