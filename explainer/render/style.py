"""The stylesheet of the printable handout (and of the web page, which prints as the handout).

Print rules that carry words (the page footer) are added by
:func:`explainer.render.html.page_rules`, next to the handout's other fixed phrases.
"""

STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #bbb; --often: #0b6e35; --may: #0b5a8a;
        --needs: #8a5a00; --less: #5c5c5c; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1.25rem; color: var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; background: #fff; }
h1 { font-size: 1.6rem; line-height: 1.2; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 0.4rem; padding-bottom: 0.15rem;
     border-bottom: 2px solid var(--ink); break-after: avoid; }
h3 { font-size: 1.05rem; margin: 0 0 0.2rem; break-after: avoid; }
h4 { font-size: 0.98rem; margin: 0.5rem 0 0.1rem; break-after: avoid; }
p { margin: 0.15rem 0; }
.subtitle { color: var(--muted); margin: 0 0 0.5rem; }
.disclaimer { border: 2px solid #b07d00; background: #fff6dc; padding: 0.6rem 0.8rem;
              border-radius: 6px; margin: 0.5rem 0; break-inside: avoid; }
.callout { border-left: 4px solid var(--may); background: #eef5fa; padding: 0.5rem 0.8rem;
           margin: 0.8rem 0; break-inside: avoid; }
.intro { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 0.3rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.25rem 0.5rem;
         border-bottom: 1px solid var(--rule); }
th { background: #f0f0f0; }
tr { break-inside: avoid; }
.entry { margin: 0.7rem 0; padding-left: 0.6rem; border-left: 4px solid var(--rule); }
.entry.leaf { break-inside: avoid-page; }
.entry.often_discussed { border-left-color: var(--often); }
.entry.may_be_discussed { border-left-color: var(--may); }
.entry.needs_more_information { border-left-color: var(--needs); }
.entry.less_likely { border-left-color: var(--less); }
.kinds { margin: 0.3rem 0 0 0.6rem; padding: 0; list-style: none; }
.kinds > li { margin: 0.45rem 0; break-inside: avoid; }
.badge { display: inline-block; font-size: 0.8rem; font-weight: 600; padding: 0 0.45rem;
         border-radius: 0.7rem; border: 1px solid currentColor; white-space: nowrap; }
.badge.often_discussed { color: var(--often); }
.badge.may_be_discussed { color: var(--may); }
.badge.needs_more_information { color: var(--needs); }
.badge.less_likely { color: var(--less); }
.muted { color: var(--muted); }
.source, .trace { color: var(--muted); font-size: 0.88rem; }
.label { font-weight: 600; }
ul.plain { padding-left: 1.2rem; }
ol.questions { padding-left: 1.4rem; }
ol.questions > li { margin: 0.35rem 0 0.6rem; break-inside: avoid; }
.write { border-bottom: 1px solid var(--rule); height: 1.6rem; }
dl { margin: 0.3rem 0; }
.term { break-inside: avoid; }
span.term { text-decoration: underline dotted; text-underline-offset: 0.15em; }
sup.mark { font-size: 0.7em; line-height: 0; }
sup.mark a { text-decoration: none; color: var(--muted); }
dt .num { color: var(--muted); font-weight: 400; margin-right: 0.3rem; }
dt { font-weight: 600; margin-top: 0.35rem; break-after: avoid; }
dd { margin: 0 0 0 1rem; }
.notes-box { border: 1px solid var(--rule); padding: 0.3rem 0.8rem 0.6rem; margin-top: 1rem;
             break-inside: avoid; }
a { color: var(--may); overflow-wrap: anywhere; }
@page { margin: 14mm 13mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.32; }
  h1 { font-size: 15pt; margin-top: 0; }
  h2 { font-size: 12pt; margin: 0.9rem 0 0.3rem; }
  h3 { font-size: 10.5pt; }
  h4 { font-size: 9.8pt; margin-top: 0.25rem; }
  .entry { margin: 0.45rem 0; }
  .kinds { columns: 2; column-gap: 1.2rem; }
  section.glossary dl, section.care_team dl { columns: 2; column-gap: 1.2rem; }
  dt { margin-top: 0.2rem; }
  .kinds > li { margin: 0 0 0.35rem; }
  .source, .trace { font-size: 7.8pt; }
  th, td { padding: 0.12rem 0.4rem; }
  .write { height: 1.35rem; }
  a { color: inherit; text-decoration: none; }
  a.source-link::after { content: " (" attr(href) ")"; font-size: 7.5pt; }
}
""".strip()
