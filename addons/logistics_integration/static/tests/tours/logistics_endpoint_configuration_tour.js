import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("logistics_endpoint_configuration", {
    steps: () => [
        {
            content: "Open the Logistics settings",
            trigger: ".settings_tab .tab[data-key='logistics_integration']",
            run: "click",
        },
        {
            content: "Go to the endpoints",
            trigger: "#logistics_endpoints button:contains(Configure Endpoints)",
            run: "click",
        },
        {
            content: "Create an endpoint",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour Carrier",
        },
        {
            content: "Give it a code",
            trigger: ".o_field_widget[name='code'] input",
            run: "edit tour_carrier",
        },
        {
            content: "It is a carrier",
            trigger: ".o_field_widget[name='kind'] select",
            run: "selectByLabel Carrier",
        },
        {
            content: "Where it lives",
            trigger: ".o_field_widget[name='base_url'] input",
            run: "edit https://carrier.example.com/api",
        },
        {
            content: "Authenticate with a bearer token",
            trigger: ".o_field_widget[name='auth_scheme'] select",
            run: "selectByLabel Bearer token",
        },
        {
            content: "The token",
            trigger: ".o_field_widget[name='auth_secret'] input",
            run: "edit tour-token-123",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
