crate::text_enum!(
    /// A test enum.
    Colour { Red = "red", DarkBlue = "dark_blue" }
);

#[test]
fn every_value_has_one_text_everywhere() {
    for colour in Colour::ALL {
        let text = colour.as_str();
        assert_eq!(Colour::parse(text), Some(*colour));
        assert_eq!(Colour::try_from(text.to_owned()), Ok(*colour));
        assert_eq!(
            serde_json::to_string(colour).unwrap(),
            format!("\"{text}\"")
        );
        assert_eq!(
            serde_json::from_str::<Colour>(&format!("\"{text}\"")).unwrap(),
            *colour
        );
        assert_eq!(colour.to_string(), text);
    }
    let unknown = Colour::try_from("Red".to_owned()).unwrap_err();
    assert_eq!(unknown.to_string(), "'Red' is not a known Colour");
    assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
}
