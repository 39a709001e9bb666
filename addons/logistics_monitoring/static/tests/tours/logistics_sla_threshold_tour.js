import {registry} from "@web/core/registry";

const FAILURE_RATE = ".o_field_widget[name=sla_max_failure_rate] input";

function expectValue(expected) {
    const value = document.querySelector(FAILURE_RATE).value;
    if (value !== expected) {
        throw new Error(`Max Failure Rate shows "${value}", expected "${expected}"`);
    }
}

registry.category("web_tour.tours").add("logistics_sla_threshold_empty", {
    steps: () => [
        {
            content: "A target of 0 shows empty, saying there is no threshold",
            trigger: `${FAILURE_RATE}[placeholder='No threshold']`,
            run: () => expectValue(""),
        },
        {
            content: "Set a target",
            trigger: FAILURE_RATE,
            run: "edit 7.5",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The target shows as a number",
            trigger: ".o_form_saved",
            run: () => expectValue("7.50"),
        },
        {
            content: "Empty the target again",
            trigger: FAILURE_RATE,
            run: "clear",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "No threshold again, shown empty",
            trigger: ".o_form_saved",
            run: () => expectValue(""),
        },
    ],
});
