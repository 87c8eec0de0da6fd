"""Views of the acceptance: the pages (:mod:`.pages`) and the transitions (:mod:`.transitions`)."""
