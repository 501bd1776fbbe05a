"""Bulletins (通报): a numbered report of a plan built from a frozen snapshot of the ledger.

    snapshot.collect_snapshot(plan, as_of)  the ledger → plain data (reads the database)
    content.build_bulletin(snapshot)        plain data → BulletinContent (pure)
    render.render(content, fmt)             BulletinContent → bytes (docx, html, md, xlsx)
    services                                create / approve / publish, with permissions and audit
"""
