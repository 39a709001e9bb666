import {registry} from "@web/core/registry";

// An Integration Administrator adds a status mapping to an active profile in the
// editable Status Mapping list: the addition waits for approval, and says so.
registry.category("web_tour.tours").add("logistics_held_mapping", {
    steps: () => [
        {
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_data_cell[name=profile_id] input",
            run: "edit CC web profile",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(CC web profile)",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_data_cell[name=raw_code] input",
            run: "edit WEB-HELD",
        },
        {
            trigger: ".o_selected_row .o_data_cell[name=event_type_id] input",
            run: "edit Exception Raised",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Exception Raised)",
            run: "click",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The person is told the addition waits for approval",
            trigger: ".o_notification:contains(Addition waits for approval)",
        },
        {
            content: "No unreadable record and no unsaved row are left behind",
            trigger:
                "body:not(:has(.o_notification:contains(cannot be found))) " +
                ".o_list_view:not(:has(.o_selected_row)):not(:has(.o_data_row:contains(WEB-HELD)))",
        },
    ],
});

// The same for a new active inbound profile saved in its form.
registry.category("web_tour.tours").add("logistics_held_profile", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit CC web new source",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=path_event_id] input",
            run: "edit payload.id",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=path_shipment_reference] input",
            run: "edit payload.ref",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The person is told the profile waits for approval",
            trigger: ".o_notification:contains(Addition waits for approval)",
        },
        {
            content: "The form is left as a blank new record, without an error",
            trigger:
                "body:not(:has(.o_notification:contains(cannot be found))) " +
                ".o_form_view:has(.o_form_status_indicator_new_record) " +
                ".o_field_widget[name=name] input:value(/^$/)",
        },
    ],
});
