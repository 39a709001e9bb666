import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_freight_dispute", {
    steps: () => [
        {
            content: "Open the held charge",
            trigger: ".o_data_row td:contains(Tour dispute)",
            run: "click",
        },
        {
            content: "It is on hold, named by shipment and type",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(On Hold)",
        },
        {
            content: "Dispute it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_dispute]",
            run: "click",
        },
        {
            content: "The decision names the charge",
            trigger: ".modal .o_field_widget[name=charge_id]:contains(Base Freight)",
        },
        {
            content: "The variance percentage carries its sign",
            trigger: ".modal .o_field_widget[name=variance_percent_label]:contains(+80.0 %)",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Tail lift never ordered",
        },
        {
            content: "Confirm the dispute",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The charge is disputed and offers its next steps",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Disputed)",
        },
        {
            content: "The carrier agreed after all: re-approve",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_approve_variance]:contains(Re-approve)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Ordered by phone, confirmed by the warehouse",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Approved: the invoice hold is released",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Approved)",
        },
    ],
});
