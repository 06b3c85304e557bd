fn main() {
    // `.slint` warnings are errors: the UI files are code and get the same care.
    // Debug info (element names) lets the testing backend find elements by accessible label.
    // Translations: `lang/<language>/LC_MESSAGES/getanime-tv.po`, bundled into the binary and
    // chosen at run time with `slint::select_bundled_translation`; messages carry no context
    // (the same catalog format as the core's, see `getanime_app::language`).
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-dark".into())
        .with_debug_info(true)
        .with_bundled_translations("lang")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    if let Err(error) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
