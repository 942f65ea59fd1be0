import BuildProvenance
import MultiStart
import PipelineCore

StageMain.run(MultiStartStage.self, codeTable: codeTable)
