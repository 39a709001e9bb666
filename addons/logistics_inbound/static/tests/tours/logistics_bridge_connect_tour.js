import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_bridge_connect", {
    steps: () => [
        {
            content: "Open the Logistics settings",
            trigger: ".settings_tab .tab[data-key='logistics_integration']",
            run: "click",
        },
        {
            content: "Connect a bridge",
            trigger: "#logistics_bridge_connect button:contains(Connect a bridge)",
            run: "click",
        },
        {
            content: "Name the bridge user",
            trigger: ".modal .o_field_widget[name='login'] input",
            run: "edit tour-bridge",
        },
        {
            content: "Create the user and its key",
            trigger: ".modal button[name='action_connect']",
            run: "click",
        },
        {
            content: "The bridge's settings are shown, with the new login",
            trigger:
                ".modal .o_field_widget[name='snippet']:contains([odoo]):contains(tour-bridge)",
        },
        {
            content: "They can be copied",
            trigger: ".modal .o_field_widget[name='snippet'] button.o_clipboard_button",
        },
        {
            content: "Done",
            trigger: ".modal button:contains(Done)",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
