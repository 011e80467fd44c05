"""Index of issue #14's sixteen findings: per finding, the test reproducing the reported case
and the property test generating its class. The test below keeps the index true: every test it
names exists, and every finding has at least one hypothesis property among its tests."""

from __future__ import annotations

import importlib

import pytest

#: finding number -> (what was found, tests as "module::function").
FINDINGS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("unbounded memory from a tiny YAML alias bomb", (
        "test_hostile_input::test_the_307_byte_alias_bomb_of_issue_14_is_refused_in_a_short_message",
        "test_hostile_input::test_every_alias_bomb_is_refused_before_it_is_built",
        "test_hostile_input::test_quoted_values_are_cut_to_a_bounded_length",
    )),
    2: ("rows lost to an unterminated quote", (
        "test_hostile_input::test_an_unterminated_quote_in_item_149_evidence_is_an_error_not_19_lost_items",
        "test_hostile_input::test_a_stray_quote_in_any_cell_is_an_error_naming_a_line",
        "test_hostile_input::test_ragged_rows_are_errors_naming_the_row",
    )),
    3: ("crash on one empty date", (
        "test_evidence_hostile::test_a_blank_period_start_on_a_missed_target_row_is_named_not_a_crash",
        "test_evidence_hostile::test_a_blank_date_in_any_row_of_any_table_never_crashes_and_is_reported",
        "test_crucial::test_blank_period_starts_are_findings_naming_the_rows_never_a_crash",
    )),
    4: ("integer overflow in sums and rules", (
        "test_kpi_compute::test_reported_overflows_of_issue_14_are_refused",
        "test_kpi_compute::test_sums_within_the_exact_range_equal_python_integer_sums",
        "test_kpi_compute::test_a_value_beyond_the_exact_range_is_refused_naming_its_row",
        "test_crucial::test_row_rules_compare_integers_exactly_and_big_values_are_findings",
    )),
    5: ("inf passes", (
        "test_kpi_compute::test_an_infinite_value_is_refused_naming_its_row",
        "test_kpi_compute::test_zero_denominator_gives_nan_with_the_reason_never_inf",
    )),
    6: ("empty tables pass everything", (
        "test_crucial::test_a_check_that_saw_no_rows_is_never_a_pass",
        "test_evidence_hostile::test_a_check_that_saw_no_rows_grades_nothing",
        "test_evidence_hostile::test_an_outcome_over_no_rows_never_gets_a_grade",
    )),
    7: ("duplicated intervals summed", (
        "test_kpi_compute::test_a_repeated_interval_key_is_refused_listing_the_rows",
    )),
    8: ("errors that are not CCMMError", (
        "test_crucial::test_duplicated_column_names_are_an_input_error_naming_them",
        "test_evidence_hostile::test_merge_with_a_dict_for_the_assessment_is_a_ccmm_error",
        "test_hostile_input::test_a_missing_assessment_id_is_an_error_naming_the_row",
        "test_public_api::test_attainment_rule_with_a_share_of_2_is_a_ccmm_error",
        "test_hostile_input_api::test_junk_in_any_argument_is_returned_on_or_refused_as_a_ccmm_error",
    )),
    9: ("tracebacks with exit 1 instead of a message with exit 2", (
        "test_cli_output::test_the_reported_bad_inputs_exit_2_with_one_line",
        "test_hostile_input::test_nesting_deeper_than_the_limit_is_refused_naming_the_limit",
        "test_hostile_input::test_numbers_of_thousands_of_digits_are_refused_with_a_bounded_message",
        "test_hostile_input::test_a_csv_cell_over_the_cell_limit_names_its_line",
        "test_hostile_input::test_devices_are_refused_without_reading_them",
        "test_hostile_input::test_a_small_file_of_any_shape_is_read_or_refused_as_a_ccmm_error",
    )),
    10: ("gates switched off by NaN", (
        "test_cli_output::test_a_non_finite_or_junk_option_value_exits_2_with_one_line",
    )),
    11: ("operating_years inf/1e400/true; evaluate_many validating differently", (
        "test_hostile_input::test_operating_years_that_are_not_finite_non_negative_numbers_are_refused",
        "test_hostile_input::test_evaluate_and_evaluate_many_accept_and_refuse_the_same_operating_years",
        "test_hostile_input::test_evaluate_and_evaluate_many_accept_and_refuse_the_same_ratings",
    )),
    12: ("output injection: formulas, markup, control characters, newlines", (
        "test_hostile_input::test_the_xlsx_template_filled_in_reads_back_and_never_holds_a_formula",
        "test_hostile_input::test_a_formula_in_an_assessment_workbook_is_refused",
        "test_hostile_input::test_a_template_organisation_with_line_breaks_or_controls_is_refused",
        "test_cli_output::test_escaped_text_has_no_controls_no_markup_and_one_line",
    )),
    13: ("xlsx round trip", (
        "test_hostile_input::test_an_assessment_written_as_xlsx_reads_back_equal",
        "test_hostile_input::test_the_xlsx_template_filled_in_reads_back_and_never_holds_a_formula",
    )),
    14: ("Erlang A hangs with long patience (staffing20)", (
        "test_staffing_erlang_a_patience::test_issue_case_with_patience_1e300_is_the_fluid_limit",
        "test_staffing_erlang_a_patience::test_every_finite_patience_gives_defined_measures",
    )),
    15: ("cost of failures; max_failures; evaluate_many memory", (
        "test_crucial::test_max_failures_keeps_the_first_failures_of_each_check_and_exact_counts",
        "test_crucial::test_max_failures_must_be_a_whole_number_or_none",
        "test_hostile_input_cli::test_max_failures_caps_rows_per_check_in_every_format_and_counts_stay_exact",
        "test_hostile_input::test_evaluate_many_over_chunks_equals_one_frame_wherever_the_chunks_are_cut",
    )),
    16: ("-o through a symlink; 0-based row numbers; empty by value", (
        "test_cli_output::test_output_onto_a_symlink_is_refused_unless_force",
        "test_cli_output::test_cli_row_numbers_are_file_lines_as_the_readers_count",
        "test_kpi_compute::test_an_empty_value_in_an_extra_by_column_forms_its_own_group",
    )),
}  # fmt: skip


def _test(reference: str) -> object:
    module_name, function = reference.split("::")
    return getattr(importlib.import_module(module_name), function, None)


@pytest.mark.parametrize("finding", sorted(FINDINGS))
def test_every_finding_names_existing_tests_and_a_property_for_its_class(finding: int) -> None:
    what, references = FINDINGS[finding]
    tests = {ref: _test(ref) for ref in references}
    missing = [ref for ref, found in tests.items() if found is None]
    assert not missing, f"finding {finding} ({what}) names tests that do not exist: {missing}"
    properties = [ref for ref, found in tests.items() if hasattr(found, "hypothesis")]
    assert properties, f"finding {finding} ({what}) has no property test for its class"


def test_the_index_covers_the_sixteen_findings() -> None:
    assert sorted(FINDINGS) == list(range(1, 17))
