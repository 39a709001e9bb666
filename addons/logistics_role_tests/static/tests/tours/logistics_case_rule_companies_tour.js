import {registry} from "@web/core/registry";

// Case rules of two companies and a rule for every source, as a Logistics Manager of both.
registry.category("web_tour.tours").add("logistics_case_rule_companies", {
    steps: () => [
        {
            content: "Show the company column of the case rules",
            trigger: ".o_list_view .o_optional_columns_dropdown_toggle",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Company) input",
            run: "click",
        },
        {
            content: "A rule of a source is its source's company's",
            trigger:
                ".o_data_row:contains(WALK-A9) .o_data_cell[name=company_id]:contains(Walk Company A)",
        },
        {
            trigger:
                ".o_data_row:contains(WALK-B9) .o_data_cell[name=company_id]:contains(Walk Company B)",
        },
        {
            content: "A rule for every source has no company",
            trigger: ".o_data_row:contains(WALK-ANY) .o_data_cell[name=company_id]:empty",
        },
        {
            content: "The manager reads the rules, the list is not edited in place",
            trigger: ".o_list_view:not(:has(.o_list_button_add))",
        },
    ],
});
