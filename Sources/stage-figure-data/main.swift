import BuildProvenance
import PipelineCore
import Stages

StageMain.run(FigureDataStage.self, builtFrom: builtSourceDigests)
