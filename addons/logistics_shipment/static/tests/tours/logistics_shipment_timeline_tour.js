import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_shipment_timeline", {
    steps: () => [
        {
            content: "Switch to the list of shipments",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the shipment",
            trigger: ".o_data_row td:contains(TMS-TOUR-1)",
            run: "click",
        },
        {
            content: "Its state comes from the milestones",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(In Transit)",
        },
        {
            content: "The timeline shows the latest milestone",
            trigger: ".o_field_widget[name='milestone_ids'] .o_data_row:contains(Liège hub)",
        },
        {
            content: "Look at the freight charges",
            trigger: ".o_notebook .nav-link:contains(Freight Charges)",
            run: "click",
        },
        {
            content: "The expected freight is there",
            trigger: ".o_field_widget[name='charge_ids'] .o_data_row:contains(Base Freight)",
        },
    ],
});
