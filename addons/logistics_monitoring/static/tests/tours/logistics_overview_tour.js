import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_overview_click_through", {
    url: "/odoo/action-logistics_monitoring.logistics_overview_server_action",
    steps: () => [
        {
            content: "The overview shows the blocked exports card",
            trigger: ".o_kanban_record .o_overview_indicator_exports_blocked",
            run: "click",
        },
        {
            content: "The list behind it shows the blocked shipment",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "It is titled after the card",
            trigger: ".o_breadcrumb:contains(Exports blocked)",
        },
    ],
});
