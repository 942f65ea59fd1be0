import BuildProvenance
import Train
import PipelineCore

StageMain.run(TrainStage.self, codeTable: codeTable)
