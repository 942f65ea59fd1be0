import BuildProvenance
import PipelineCore
import Train

StageMain.run(TrainStage.self, codeTable: codeTable)
