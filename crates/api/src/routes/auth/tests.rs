use super::oidc::safe_return;

#[test]
fn sign_in_only_returns_to_this_site() {
    assert_eq!(safe_return(Some("/campaigns?x=1")), "/campaigns?x=1");
    for bad in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "",
        "x",
    ] {
        assert_eq!(safe_return(Some(bad)), "/", "{bad}");
    }
    assert_eq!(safe_return(None), "/");
}
