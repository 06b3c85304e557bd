fn main() {
    // `.slint` warnings are errors: the UI files are code and get the same care.
    // Debug info (element names) lets the testing backend find elements by accessible label.
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-dark".into())
        .with_debug_info(true);
    if let Err(error) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
