import PipelineCore

/// What the stage executables were built from: their code closures and every file's SHA-256, as
/// `CodeTablePlugin` recorded them on this build.
public let codeTable = CodeTable(closureLines: generatedClosures, digestLines: generatedSourceDigests)
