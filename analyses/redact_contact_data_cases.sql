{#- Cases for redact_contact_data (tests/python/test_redaction.py): open
    answers in English, Polish and Czech, each with what must remain. -#}

with

cases as (

    select * from (
        values
        (
            'en_email_phone',
            'Call me at +48 600 200 300 or mail Jan.Kowalski@Example.com.',
            'Call me at [phone] or mail [email].'
        ),
        (
            'pl_dashes_diacritics',
            'Kurier był miły, proszę o kontakt: 600-200-300, e-mail: łucja.wiśniewska@poczta.pl',
            'Kurier był miły, proszę o kontakt: [phone], e-mail: [email]'
        ),
        (
            'cs_national_and_international',
            'Děkuji, zavolejte prosím na 704 229 020 nebo +420 704 229 020. Karta LC1234567890.',
            'Děkuji, zavolejte prosím na [phone] nebo [phone]. Karta [card].'
        ),
        (
            'pl_double_zero_and_bare_card',
            'Numer 0048600200300, moja karta 1234567890, dzięki!',
            'Numer [phone], moja karta [card], dzięki!'
        ),
        (
            'cs_no_contact_data',
            'Objednávka A-0001234 za 149,97 Kč přišla o 2 dny později, zásilka 123456789012.',
            'Objednávka A-0001234 za 149,97 Kč přišla o 2 dny později, zásilka 123456789012.'
        ),
        (
            'en_email_in_brackets',
            'My wife (anna@example.co.uk) has the card LC-1000000001; ask her.',
            'My wife ([email]) has the card [card]; ask her.'
        ),
        ('null_comment', null, null)
    ) as cases (case_name, comment, expected)

)

select
    case_name,
    {{ redact_contact_data('comment') }} as redacted,
    expected

from cases
