"""Generate sample/workshop-safety-manual.pdf (3 pages) for the sample corpus with PyMuPDF.

It lives beside sample/, not in it, so indexing the sample folder does not index this script.

The PDF is committed; rerun this script only after changing the text below:
    python resources/make_sample.py
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

OUT = Path(__file__).resolve().parent / "sample" / "workshop-safety-manual.pdf"
TITLE = "Workshop Safety Manual"

CSS = """
body { font-family: sans-serif; font-size: 11pt; line-height: 1.35; }
h1 { font-size: 20pt; color: #1f4e8c; margin-bottom: 4pt; }
h2 { font-size: 14pt; color: #1f4e8c; margin-top: 12pt; margin-bottom: 4pt; }
p.meta { font-size: 9pt; color: #555555; }
li { margin-bottom: 3pt; }
"""

PAGES = [
    """
<h1>Workshop Safety Manual</h1>
<p class="meta">Brightwater Bicycle Works, Harbour Road, Kestrel Bay. Version 3.2, May 2024.
Owner: Priya Natarajan, Workshop Manager (ext. 2301).</p>
<h2>1. Purpose and scope</h2>
<p>This manual sets out the rules that keep everyone safe in the Brightwater workshop: the frame
shop, the paint booths, the assembly area and the stores. It applies to employees, temporary
staff and visitors. Nobody may enter the workshop floor before completing the safety induction,
which is given every Monday at 11:00.</p>
<h2>2. Personal protective equipment</h2>
<p>Personal protective equipment (PPE) is provided free of charge and must be worn in the marked
zones. Damaged PPE is replaced at the stores counter without question.</p>
<ul>
<li>Safety glasses are required everywhere on the workshop floor, including the assembly area.</li>
<li>Safety shoes with steel or composite toe caps are required in the frame shop and stores.</li>
<li>Hearing protection is required wherever the noise level is above 85 dB, which includes the
tube cutter, the grinding bench and the compressor room.</li>
<li>Leather gloves and a flame-resistant apron are required for brazing and welding.</li>
<li>Respirators with A2P3 filters are required in the paint booths while spraying.</li>
</ul>
""",
    """
<h2>3. Machines and tools</h2>
<p>Only trained staff may operate the tube cutter, the frame jig press, the brazing torches and
the powder-coating oven. Training records are kept by the Workshop Manager, and a green sticker
on your staff card shows which machines you are cleared to use.</p>
<p><b>Lockout-tagout.</b> Before cleaning, adjusting or clearing a jam on any powered machine,
switch it off at the isolator, fit your personal padlock and hang a tag with your name and the
date. Only the person who fitted a lock may remove it. Test that the machine cannot start before
you put your hands inside the guard.</p>
<p><b>Brazing and welding.</b> Hot work is allowed only in the two brazing bays. Keep the area
within 5 metres clear of solvents and cardboard, keep a CO2 extinguisher within reach, and stay
in the bay for 30 minutes after the last torch is shut off to watch for smouldering material.</p>
<h2>4. Paint booths and ventilation</h2>
<p>The paint booths may be used only when the extraction fan is running and the airflow light is
green. If the light turns red, stop spraying, close the powder hopper and leave the booth. The
second paint booth, installed in May 2024, follows the same rules and is inspected every month.
Solvents are stored in the yellow fire cabinet and never on open shelves.</p>
<h2>5. Housekeeping</h2>
<p>Keep walkways and emergency exits clear at all times. Clean up oil and grease at once with
the absorbent granules from the spill kit next to each workbench. Metal offcuts go in the red
bins; they are collected for recycling every Friday.</p>
""",
    """
<h2>6. Accidents, near misses and first aid</h2>
<p>Every accident and every near miss must be reported to the Workshop Manager within 24 hours,
using the incident form on the intranet or the paper form at the stores counter. Near misses
matter: most serious accidents are preceded by several of them. Reports are used to fix causes,
never to blame people.</p>
<p>First-aid kits hang next to the stores counter, in each brazing bay and in the paint-booth
anteroom. Eye-wash stations are next to both paint booths and the grinding bench. The trained
first aiders on each shift are listed on the notice board by the time clock.</p>
<h2>7. Fire and evacuation</h2>
<p>If you discover a fire, press the nearest red fire alarm button and, only if it is safe,
use an extinguisher: CO2 for electrical fires and the brazing bays, foam elsewhere. When the
alarm sounds, stop work, switch off your machine if you can do so immediately, and leave by the
nearest exit. The assembly point is car park B, by the bicycle shelter. Do not go back inside
until the fire warden says it is safe.</p>
<h2>8. Emergency numbers</h2>
<ul>
<li>Emergency services: 112</li>
<li>Workshop Manager, Priya Natarajan: ext. 2301, mobile 0555 014 2301</li>
<li>Site security (24 hours): ext. 2000</li>
<li>Kestrel Bay Hospital, Accident and Emergency: 0555 019 1000</li>
</ul>
""",
]


def build(out: Path = OUT) -> Path:
    doc = pymupdf.open()
    for number, html in enumerate(PAGES, start=1):
        page = doc.new_page(width=595, height=842)  # A4 in points
        page.insert_htmlbox(pymupdf.Rect(56, 56, 539, 790), html, css=CSS)
        footer = f"{TITLE} - page {number} of {len(PAGES)}"
        page.insert_text((56, 815), footer, fontsize=8, color=(0.4, 0.4, 0.4))
    doc.set_metadata({
        "title": TITLE,
        "author": "Brightwater Bicycle Works",
        "subject": "Safety rules for the workshop",
        "creationDate": "D:20240520090000Z",
        "modDate": "D:20240520090000Z",
        "producer": "make_sample.py",
        "creator": "make_sample.py",
    })  # fmt: skip
    doc.save(out, garbage=4, deflate=True, no_new_id=True)
    doc.close()
    return out


if __name__ == "__main__":
    print(build())
