import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_return_received", {
    steps: () => [
        {
            content: "The customer's return is received, not 'returned to sender'",
            trigger: "tr:contains(TOUR-RETURN) .badge:contains(Return received)",
        },
        {
            content: "The original stays delivered",
            trigger: "tr:contains(TOUR-ORIGINAL) .badge:contains(Delivered)",
        },
        {
            content: "Open the return",
            trigger: "tr:contains(TOUR-RETURN) a:contains(TOUR-RETURN)",
            run: "click",
        },
        {
            content: "It names the shipment it returns",
            trigger: ".o_logistics_return_of a:contains(TOUR-ORIGINAL)",
        },
        {
            content: "Its timeline is worded for the customer who sent it back",
            trigger:
                ".o_logistics_timeline:not(:contains(Returned to sender)) li:first-child strong:contains(Return received)",
        },
        {
            content: "collected from them",
            trigger: ".o_logistics_timeline li strong:contains(Return picked up from you)",
        },
        {
            content: "and on its way back",
            trigger: ".o_logistics_timeline li strong:contains(Return on its way to us)",
        },
    ],
});
