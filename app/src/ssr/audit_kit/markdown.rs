//! Scope documents and NDAs are Markdown written by people: rendered to HTML
//! with pulldown-cmark, then cleaned with ammonia (no scripts, styles, event
//! handlers, iframes or `javascript:` links; links get `rel="noopener
//! noreferrer nofollow"`), so what reaches a page is safe to insert.

/// Markdown to safe HTML.
pub fn to_safe_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut raw = String::new();
    html::push_html(&mut raw, Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_renders_and_nothing_runs() {
        let html = to_safe_html("# Scope\n\n- Access: **read-only**\n\n[site](https://example.com)");
        assert!(html.contains("<h1>Scope</h1>") && html.contains("<strong>read-only</strong>"), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""), "{html}");
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<iframe src=https://evil.example></iframe>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        ] {
            let out = to_safe_html(hostile);
            for bad in ["<script", "onerror", "javascript:", "<iframe", "data:text"] {
                assert!(!out.contains(bad), "{hostile} -> {out}");
            }
        }
    }
}
