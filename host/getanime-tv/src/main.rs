fn main() -> std::process::ExitCode {
    getanime_tv::main()
}
