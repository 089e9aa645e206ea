"""The targeting as it was before graded evidence (issue 11), kept verbatim so that
`bench_targeting` compares old and new on the same archive in one process. Not part of the
package; only the settings it needs that changed meaning are copied here."""
