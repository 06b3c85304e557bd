//! App-core tests through the public API, on real files in temporary directories.

use anyhow::Result;
use getanime_app::{DataPaths, Library, LibraryStatus};

#[test]
fn a_new_data_directory_gets_an_empty_migrated_library() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let root = temp.path().join("nested").join("data");
    let library = Library::open(DataPaths::resolve(Some(root.clone()))?)?;
    assert_eq!(library.status()?, LibraryStatus { titles: 0, schema_version: 1 });
    assert!(root.join("library.sqlite3").is_file());
    assert!(root.join("plugins").is_dir());
    Ok(())
}

#[test]
fn a_data_directory_that_is_a_file_is_a_clear_error() -> Result<()> {
    let temp = tempfile::tempdir()?;
    let root = temp.path().join("data");
    std::fs::write(&root, "not a directory")?;
    let error = Library::open(DataPaths::resolve(Some(root))?)
        .err()
        .expect("a file is not a data directory");
    assert!(format!("{error:#}").contains("preparing the data directory"), "{error:#}");
    Ok(())
}
