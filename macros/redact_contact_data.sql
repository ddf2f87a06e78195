{% macro redact_contact_data(text) %}
    {#- Free text with the contact data in it replaced, as CX platforms
        redact open answers: email addresses by '[email]', loyalty card
        numbers ('LC' and ten digits, or ten digits alone) by '[card]', and
        phone numbers (nine digits, grouped by spaces or dashes or not, with
        a +CC or 00CC prefix or none) by '[phone]'. Whoever the text belongs
        to: a respondent who writes another person's address or number does
        not make it theirs. -#}
    {%- set email = "[^\\s@<>()\\[\\],;:\"]+@[^\\s@<>()\\[\\],;:\"]+[.][A-Za-z]{2,}" -%}
    {%- set card = "(?i)\\bLC[ -]?[0-9]{10}\\b|\\b[0-9]{10}\\b" -%}
    {%- set phone = "(\\+[0-9]{2,3}[ -]?|\\b00[0-9]{2,3}[ -]?|\\b)[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{3}\\b" -%}
    {{- return(
        regexp_replace_all(
            regexp_replace_all(
                regexp_replace_all(text, email, '[email]'),
                card, '[card]',
            ),
            phone, '[phone]',
        )
    ) -}}
{% endmacro %}
