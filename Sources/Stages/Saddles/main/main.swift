import BuildProvenance
import PipelineCore
import Saddles

StageMain.run(SaddlesStage.self, codeTable: codeTable)
