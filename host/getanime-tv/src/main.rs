fn main() -> anyhow::Result<()> {
    getanime_tv::main()
}
