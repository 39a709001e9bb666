import {registry} from "@web/core/registry";

const LINES = ".o_field_widget[name=order_line]";
const QUOTES = ".o_field_widget[name=logistics_rate_quote_ids]";
const WIZARD = ".modal:has(.o_field_widget[name=carrier_id])";

// Add shipping with the Logistics TMS delivery method and ask for its rate.
function addShipping(price) {
    return [
        {
            content: "Add shipping to the quotation",
            trigger: "button[name=action_open_delivery_wizard]",
            run: "click",
        },
        {
            content: "Choose the Logistics TMS delivery method",
            trigger: `${WIZARD} .o_field_widget[name=carrier_id] input`,
            run: "edit TMS Rates",
        },
        {
            trigger: `${WIZARD} .o-autocomplete--dropdown-item a:contains(TMS Rates)`,
            run: "click",
        },
        {
            content: "Ask the TMS for its rate",
            trigger: `${WIZARD} button[name=update_price]`,
            run: "click",
        },
        {
            content: `The rate is ${price}`,
            trigger: `${WIZARD} .o_field_widget[name=display_price]:contains(${price})`,
        },
        {
            content: "Add the shipping line",
            trigger: `${WIZARD} .modal-footer button[name=button_confirm]`,
            run: "click",
        },
        {
            content: `The shipping line is priced ${price}`,
            trigger: `${LINES} .o_data_row:contains(Freight) .o_data_cell[name=price_unit]:contains(${price})`,
        },
    ];
}

// The TMS quotes two services: the cheapest is the rate, the other one is chosen.
registry.category("web_tour.tours").add("logistics_rate_quotes", {
    steps: () => [
        ...addShipping("90.00"),
        {
            content: "Open the rate quotes",
            trigger: "a.nav-link:contains(Rate Quotes)",
            run: "click",
        },
        {
            content: "The order ships with the cheapest service",
            trigger: `${QUOTES} .o_data_row:contains(Economy Road) .o_data_cell[name=is_chosen] input:checked`,
        },
        {
            content: "Every service quoted is listed with its price and transit time",
            trigger: `${QUOTES} .o_data_row:contains(Economy Road):contains(90.00):contains(4)`,
        },
        {
            trigger: `${QUOTES} .o_data_row:contains(Express Air):contains(140.00):contains(1)`,
        },
        {
            content: "The chosen service has no Use this service button",
            trigger: `${QUOTES} .o_data_row:contains(Economy Road):not(:has(button[name=action_use_service]))`,
        },
        {
            content: "Use the express service",
            trigger: `${QUOTES} .o_data_row:contains(Express Air) button[name=action_use_service]`,
            run: "click",
        },
        {
            content: "The order ships with it",
            trigger: `${QUOTES} .o_data_row:contains(Express Air) .o_data_cell[name=is_chosen] input:checked`,
        },
        {
            trigger: `${QUOTES} .o_data_row:contains(Economy Road) button[name=action_use_service]`,
        },
        {
            content: "Back to the order lines",
            trigger: "a.nav-link:contains(Order Lines)",
            run: "click",
        },
        {
            content: "The shipping line is priced at the express quote",
            trigger: `${LINES} .o_data_row:contains(Freight) .o_data_cell[name=price_unit]:contains(140.00)`,
        },
    ],
});

// The TMS fails: the fallback price rules rate the order, which says so.
registry.category("web_tour.tours").add("logistics_rate_fallback", {
    steps: () => [
        ...addShipping("77.00"),
        {
            content: "The order says its rate comes from the fallback price rules",
            trigger: ".alert-warning:contains(Rate from fallback price rules):contains(503)",
        },
        {
            content: "No quote to choose from",
            trigger: ".o_form_view:not(:has(a.nav-link:contains(Rate Quotes)))",
        },
    ],
});
