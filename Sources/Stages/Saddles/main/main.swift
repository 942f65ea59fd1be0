import BuildProvenance
import Saddles
import PipelineCore

StageMain.run(SaddlesStage.self, codeTable: codeTable)
