{#-
    One row: the fingerprint of the key this build's pseudonymous keys were
    made with (keyed_hash of a fixed text, pseudonym_key_fingerprint), so
    that a run under another CXW_ERASURE_KEY stops before it mixes keys
    of two secrets in the incremental models (check_pseudonym_key,
    on-run-start). It tells nothing of the key.
-#}

with

final as (

    select
        {{ pseudonym_key_fingerprint() }} as key_fingerprint

)

select * from final
