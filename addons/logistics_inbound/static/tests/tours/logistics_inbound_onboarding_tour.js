import {registry} from "@web/core/registry";

// A carrier's scan webhook no preset was written for (made up for this tour).
const SAMPLE = {
    shipment: {trackingNo: "NXS-4471-0093", service: "express"},
    scans: [
        {
            scanId: 17,
            code: "DLV",
            ts: 1733500000000,
            place: {town: "Ghent", region: "VOV", cc: "BE"},
        },
    ],
};

registry.category("web_tour.tours").add("logistics_inbound_onboarding", {
    steps: () => [
        {
            content: "Open the Configuration menu",
            trigger: ".o_main_navbar .dropdown-toggle:contains(Configuration)",
            run: "click",
        },
        {
            content: "Start the onboarding assistant",
            trigger: ".dropdown-item:contains(Onboarding Assistant)",
            run: "click",
        },
        {
            content: "Name the partner",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Nexus Parcel",
        },
        {
            content: "Choose its endpoint code",
            trigger: ".modal .o_field_widget[name=code] input",
            run: "edit nexus_parcel",
        },
        {
            content: "Paste the partner's sample document",
            trigger: ".modal .o_field_widget[name=sample] textarea",
            run: `edit ${JSON.stringify(SAMPLE)}`,
        },
        {
            content: "Let the assistant propose the paths",
            trigger: ".modal-footer button[name=action_propose]",
            run: "click",
        },
        {
            content: "The tracking number is found outside the list of scans",
            trigger:
                ".modal .o_field_widget[name=path_shipment_reference] input:value(document.shipment.trackingNo)",
        },
        {
            content: "Each scan becomes a milestone, with its own time in milliseconds",
            trigger:
                ".modal .o_field_widget[name=path_event_time] input:value(document.scans[*].ts)",
        },
        {
            content: "Map the partner's code DLV",
            trigger:
                ".modal .o_field_widget[name=mapping_ids] .o_data_row:contains(DLV) td[name=event_type_id]",
            run: "click",
        },
        {
            content: "onto the canonical Delivered milestone",
            trigger:
                ".modal .o_field_widget[name=mapping_ids] .o_field_widget[name=event_type_id] input",
            run: "edit Delivered",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Delivered)",
            run: "click",
        },
        {
            content: "Try the whole document as the bridge will deliver it",
            trigger: ".modal-footer button[name=action_try]",
            run: "click",
        },
        {
            content: "The scan would become a milestone of the shipment",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Would be processed)",
        },
        {
            content: "Go on to authentication",
            trigger: ".modal-footer button[name=action_next]",
            run: "click",
        },
        {
            content: "The partner signs with an HMAC",
            trigger: ".modal .o_field_widget[name=scheme] input[data-value=hmac]",
            run: "click",
        },
        {
            content: "in its own header",
            trigger: ".modal .o_field_widget[name=header] input",
            run: "edit X-Nexus-Signature",
        },
        {
            content: "Save",
            trigger: ".modal-footer button[name=action_save]",
            run: "click",
        },
        {
            content: "The URL to hand to the partner",
            trigger:
                ".modal .o_field_widget[name=inbound_url]:contains(https://bridge.example.com/v1/in/nexus_parcel)",
        },
        {
            content: "and the secret, shown once",
            trigger: ".modal .o_field_widget[name=secret]",
            run() {
                const shown = this.anchor.textContent.trim();
                if (shown.length < 32) {
                    throw new Error(`no secret shown: "${shown}"`);
                }
            },
        },
        {
            content: "Handed over: close the assistant",
            trigger: ".modal-footer button[name=action_done]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
