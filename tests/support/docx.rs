//! Reading a Word document the app wrote: its body's paragraphs and the styles they use,
//! from `word/document.xml` inside the zip.

use std::collections::BTreeSet;
use std::io::Read;

/// The parsed `word/document.xml` of a `.docx` file's bytes, as text.
fn document_xml(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("reads");
    xml
}

/// The paragraphs of a Word document's body, each its runs' text joined.
pub fn docx_paragraphs(bytes: &[u8]) -> Vec<String> {
    let xml = document_xml(bytes);
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "p")
        .map(|p| {
            p.descendants()
                .filter(|n| n.tag_name().name() == "t")
                .filter_map(|n| n.text())
                .collect::<String>()
        })
        .collect()
}

/// The style ids the paragraphs of a Word document use, each once.
pub fn docx_styles(bytes: &[u8]) -> BTreeSet<String> {
    let xml = document_xml(bytes);
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "pStyle")
        .filter_map(|n| {
            n.attributes()
                .find(|a| a.name() == "val")
                .map(|a| a.value().to_owned())
        })
        .collect()
}
