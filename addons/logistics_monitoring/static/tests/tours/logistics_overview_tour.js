import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_overview_click_through", {
    url: "/odoo/action-logistics_monitoring.logistics_overview_server_action",
    steps: () => [
        {
            content: "The overview is a dashboard: no search bar, no pager",
            trigger: ".o_logistics_overview_kanban_view:not(:has(.o_searchview, .o_pager))",
        },
        {
            content: "A card with nothing to do says so",
            trigger:
                ".o_kanban_record:has(.o_overview_indicator_bridges_behind) .o_overview_all_clear",
        },
        {
            content: "Switch to the last 7 days",
            trigger: ".o_control_panel .o_overview_window_7d:not(.o_overview_window_current)",
            run: "click",
        },
        {
            content: "The overview now covers the last 7 days",
            trigger: ".o_breadcrumb:contains(last 7 days)",
        },
        {
            content: "Endpoint cards show the window and its trend",
            trigger: ".o_kanban_record .o_overview_trend .o_overview_trend_bar",
        },
        {
            content: "The late shipments card is coloured and offers its action",
            trigger:
                ".o_kanban_record:has(.o_overview_indicator_late.text-warning) .o_overview_do_indicator",
            run: "click",
        },
        {
            content: "The list behind it shows the late shipment",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "It is titled after the card",
            trigger: ".o_breadcrumb:contains(Shipments past ETA)",
        },
        {
            content: "Back to the overview: still the last 7 days",
            trigger: ".o_breadcrumb a:contains(last 7 days)",
            run: "click",
        },
        {
            content: "The overview is back, its 7 days button highlighted",
            trigger:
                ".o_logistics_overview_kanban_view .o_overview_window_current.o_overview_window_7d",
        },
    ],
});
