import BuildProvenance
import PipelineCore
import Richer

StageMain.run(RicherStage.self, codeTable: codeTable)
