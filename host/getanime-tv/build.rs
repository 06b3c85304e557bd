fn main() {
    // `.slint` warnings are errors: the UI files are code and get the same care.
    let config = slint_build::CompilerConfiguration::new().with_style("fluent-dark".into());
    if let Err(error) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("{error}");
        std::process::exit(1);
    }
}
