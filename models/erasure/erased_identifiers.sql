{#-
    Every identifier of every person who asked to be erased, once per
    (identifier_type, identifier), normalised the way staging normalises it:
    the erasure layer. Each staging model reads it through ref() and reads
    no source but its own; the rule of which identifiers a request reaches
    lives in the macro erased_identifiers(), which also serves the hooks
    that delete erased keys.

    Ephemeral: the set is never stored, so that no table or view of the
    warehouse holds an erased person's identifier; each model that reads it
    computes it as a CTE of its own SQL.
-#}

{{ erased_identifiers() }}
